using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapr.Actors;
using Dapr.Actors.Client;
using Sidecart.Inventory.Actors;

namespace Sidecart.Inventory.Tests.Actors;

/// <summary>
/// The JSON callers in other apps exchange with the Sku actors through their own sidecar, byte for byte: a plain JSON
/// call (what ordering's hand-written proxy sends today, and the SDK's <c>ActorProxy.InvokeMethodAsync</c>), and a typed
/// SDK proxy with JSON bodies (remoting). Both use camelCase names.
/// </summary>
public sealed class SkuActorWireTests(InventoryFixture fixture) : IClassFixture<InventoryFixture>
{
    private InventorySystem System => fixture.System;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<JsonNode?> CallAsync(string sku, string method, string? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1.0/actors/Sku/{sku}/method/{method}");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await System.Caller.SendAsync(request, Cancellation);
        var answer = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method}: {(int)response.StatusCode} {answer}");
        return JsonNode.Parse(answer);
    }

    /// <summary>The typed proxy's envelope: the argument under its parameter name, the result under <c>retVal</c>.</summary>
    private static string Wrapped(string name, string json) => "{\"value\":{\"" + name + "\":" + json + "}}";

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString()}");

    [Fact]
    public async Task A_plain_json_call_sends_the_argument_as_the_body_and_gets_the_result_as_the_answer()
    {
        var sku = InventorySystem.NewSku();

        var added = await CallAsync(sku, "AddStock", """{"receiptId":"rcpt-1","quantity":5}""");
        var reserved = await CallAsync(sku, "Reserve", """{"orderId":"ord-1","quantity":2}""");
        var refused = await CallAsync(sku, "Reserve", """{"orderId":"ord-2","quantity":9}""");
        var confirmed = await CallAsync(sku, "Confirm", """{"orderId":"ord-1"}""");
        var released = await CallAsync(sku, "Release", """{"orderId":"ord-1"}""");
        var level = await CallAsync(sku, "GetStock", body: null);

        AssertJson($$"""{"receiptId":"rcpt-1","sku":"{{sku}}","applied":true,"available":5}""", added);
        AssertJson($$"""{"orderId":"ord-1","sku":"{{sku}}","accepted":true,"reason":null,"available":3,"reserved":2}""", reserved);
        AssertJson($$"""{"orderId":"ord-2","sku":"{{sku}}","accepted":false,"reason":"insufficient stock: requested 9, available 3","available":3,"reserved":2}""", refused);
        AssertJson($$"""{"orderId":"ord-1","sku":"{{sku}}","accepted":true,"reason":null,"available":3,"reserved":0}""", confirmed);
        AssertJson($$"""{"orderId":"ord-1","sku":"{{sku}}","accepted":false,"reason":"already confirmed","available":3,"reserved":0}""", released);
        AssertJson($$"""{"sku":"{{sku}}","available":3,"reserved":0}""", level);
    }

    [Fact]
    public async Task A_typed_proxy_with_json_bodies_wraps_the_argument_and_the_result()
    {
        var sku = InventorySystem.NewSku();
        using var recorder = new RecordingHandler();
        var actor = new ActorProxyFactory(System.ProxyOptions, recorder).CreateActorProxy<ISkuActor>(new ActorId(sku), "Sku");

        await actor.AddStock(new StockReceipt("rcpt-1", 5));
        await actor.Reserve(new ReserveStock("ord-1", 2));
        await actor.Confirm(new StockOrderRef("ord-1"));
        await actor.Release(new StockOrderRef("ord-1"));
        await actor.GetStock();

        Assert.All(recorder.Calls, c => Assert.True(c.Remoting, $"{c.Path} carries no X-DaprRequestHeader"));
        var calls = recorder.Calls.ToDictionary(c => c.Path[(c.Path.LastIndexOf('/') + 1)..]);
        AssertJson(Wrapped("request", """{"receiptId":"rcpt-1","quantity":5}"""), calls["AddStock"].Request);
        AssertJson(Wrapped("retVal", $$"""{"receiptId":"rcpt-1","sku":"{{sku}}","applied":true,"available":5}"""), calls["AddStock"].Response);
        AssertJson(Wrapped("request", """{"orderId":"ord-1","quantity":2}"""), calls["Reserve"].Request);
        AssertJson(Wrapped("retVal", $$"""{"orderId":"ord-1","sku":"{{sku}}","accepted":true,"reason":null,"available":3,"reserved":2}"""), calls["Reserve"].Response);
        AssertJson(Wrapped("request", """{"orderId":"ord-1"}"""), calls["Confirm"].Request);
        AssertJson(Wrapped("retVal", $$"""{"orderId":"ord-1","sku":"{{sku}}","accepted":true,"reason":null,"available":3,"reserved":0}"""), calls["Confirm"].Response);
        AssertJson(Wrapped("request", """{"orderId":"ord-1"}"""), calls["Release"].Request);
        AssertJson(Wrapped("retVal", $$"""{"orderId":"ord-1","sku":"{{sku}}","accepted":false,"reason":"already confirmed","available":3,"reserved":0}"""), calls["Release"].Response);
        Assert.Null(calls["GetStock"].Request);
        AssertJson(Wrapped("retVal", $$"""{"sku":"{{sku}}","available":3,"reserved":0}"""), calls["GetStock"].Response);
    }

    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public List<(string Path, bool Remoting, JsonNode? Request, JsonNode? Response)> Calls { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            Calls.Add((request.RequestUri!.AbsolutePath, request.Headers.Contains("X-DaprRequestHeader"),
                string.IsNullOrEmpty(body) ? null : JsonNode.Parse(body), string.IsNullOrEmpty(answer) ? null : JsonNode.Parse(answer)));
            return response;
        }
    }
}
