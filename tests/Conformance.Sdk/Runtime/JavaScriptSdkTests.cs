using System.Globalization;
using System.Text.Json.Nodes;
using Conformance.Sdk.Harness;

namespace Conformance.Sdk.Runtime;

/// <summary>The gRPC API through a Dapr SDK in another language: the official JavaScript SDK (<c>@dapr/dapr</c>, which
/// speaks gRPC through ConnectRPC and waits for the sidecar with <c>GetMetadata</c>), installed in
/// <c>tests/sdk-js</c> by <c>npm ci</c> (<c>.ci/run</c> does it).</summary>
public sealed class JavaScriptSdkTests
{
    [Fact]
    public async Task The_JavaScript_SDK_saves_reads_publishes_bulk_publishes_and_reads_secrets_and_metadata()
    {
        SdkSidecar.RequireInProcess();
        JavaScriptSdk.RequireInstalled();

        await using var sidecar = await SdkSidecar.StartAsync("js-client");
        using var client = sidecar.CreateClient();
        var (jsKey, dotnetKey, topic) = ("js-" + Guid.NewGuid().ToString("N"), "dotnet-" + Guid.NewGuid().ToString("N"), "js-" + Guid.NewGuid().ToString("N"));
        await client.SaveStateAsync("statestore", dotnetKey, new { writtenBy = "dotnet" });

        var published = new List<JsonObject>();
        sidecar.InProcess!.Context.Components.TryGet<LocalSidecar.Components.PubSub.IPubSub>("pubsub", out var broker);
        await using var subscription = broker.Subscribe(topic, new Dictionary<string, string>(), (message, _) =>
        {
            lock (published)
            {
                published.Add(JsonNode.Parse(message.Data.Span)!.AsObject());
            }

            return Task.CompletedTask;
        });

        var output = await JavaScriptSdk.RunAsync("grpc-client.mjs", new Dictionary<string, string>
        {
            ["DAPR_GRPC_PORT"] = sidecar.InProcess.GrpcPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_HTTP_PORT"] = sidecar.InProcess.HttpPort.ToString(CultureInfo.InvariantCulture),
            ["STATE_KEY"] = jsKey,
            ["DOTNET_KEY"] = dotnetKey,
            ["TOPIC"] = topic,
        });

        var result = JsonNode.Parse(output)!;
        Assert.Equal("js", result["readBack"]!["writtenBy"]!.GetValue<string>());
        Assert.Equal("dotnet", result["writtenByDotnet"]!["writtenBy"]!.GetValue<string>());
        Assert.Empty(result["bulk"]!["failedMessages"]!.AsArray());
        Assert.Equal("s3cret", result["secret"]!["db-password"]!.GetValue<string>());
        Assert.Equal("js-client", result["appId"]!.GetValue<string>());
        Assert.Contains("state store nostore is not found", result["unknownStore"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("js", (await client.GetStateAsync<JsonObject>("statestore", jsKey))["writtenBy"]!.GetValue<string>());

        await Sidecart.Testing.Eventually.UntilAsync(() => Task.FromResult(Snapshot(published)), events => events.Count >= 3,
            "the three events the JavaScript SDK published", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        var events = Snapshot(published);
        Assert.Contains(events, e => e["data"]?["from"]?.GetValue<string>() == "js");
        Assert.Equal([1, 2], events.Where(e => e["data"]?["n"] is not null).Select(e => e["data"]!["n"]!.GetValue<int>()).Order());
        Assert.All(events, e => Assert.Equal("js-client", e["source"]!.GetValue<string>()));
    }

    private static List<JsonObject> Snapshot(List<JsonObject> published)
    {
        lock (published)
        {
            return [.. published];
        }
    }
}
