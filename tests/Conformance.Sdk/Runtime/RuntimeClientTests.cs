using System.Net;
using System.Text;
using Conformance.Sdk.Harness;
using Dapr;
using Dapr.Client;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Conformance.Sdk.Runtime;

/// <summary>Health, metadata, the API token, invocation and shutdown through the official SDK
/// (https://docs.dapr.io/reference/api/, dapr/dapr pkg/api/grpc).</summary>
public sealed class RuntimeClientTests
{
    [Fact]
    public async Task The_sidecar_is_healthy_and_its_metadata_lists_the_app_components_and_what_was_set()
    {
        await using var sidecar = await SdkSidecar.StartAsync();
        using var client = sidecar.CreateClient();
        using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.WaitForSidecarAsync(ready.Token);
        Assert.True(await client.CheckHealthAsync());

        var metadata = await client.GetMetadataAsync();
        Assert.Equal("sdk-conformance", metadata.Id);
        Assert.Contains(metadata.Components, c => c.Name == "statestore" && c.Type == "state.sqlite");
        Assert.Contains(metadata.Components, c => c.Name == "pubsub" && c.Type == "pubsub.in-memory");
        Assert.True(metadata.Extended.ContainsKey("daprRuntimeVersion"));

        var value = Guid.NewGuid().ToString("N");
        await client.SetMetadataAsync("conformance-attribute", value);
        Assert.Equal(value, (await client.GetMetadataAsync()).Extended["conformance-attribute"]);
    }

    [Fact]
    public async Task With_an_api_token_every_rpc_needs_it_and_a_wrong_one_is_Unauthenticated()
    {
        SdkSidecar.RequireInProcess();
        await using var sidecar = await SdkSidecar.StartAsync(configure: o => o with { ApiToken = "conformance-token" });
        using var client = sidecar.CreateClient();
        await client.SaveStateAsync("statestore", "token-" + Guid.NewGuid().ToString("N"), 1);
        Assert.True(await client.CheckHealthAsync());

        using var intruder = sidecar.CreateClient(apiToken: "wrong");
        var e = await Assert.ThrowsAsync<DaprException>(() => intruder.GetStateAsync<int>("statestore", "k"));
        var rpc = RpcErrors.Inner(e);
        Assert.Equal(StatusCode.Unauthenticated, rpc.StatusCode);
        Assert.Equal("Unauthorized", rpc.Status.Detail);
        var info = RpcErrors.ErrorInfo(rpc)!;
        Assert.Equal("Unauthorized", info.Reason);
        Assert.Equal("401", info.Metadata["http.code"]);
        Assert.Equal("authentication error: api token mismatch", info.Metadata["http.error_message"]);

        using var anonymous = new DaprClientBuilder().UseGrpcEndpoint(sidecar.GrpcEndpoint.ToString()).UseHttpEndpoint(sidecar.HttpEndpoint.ToString()).Build();
        var missing = RpcErrors.Inner(await Assert.ThrowsAsync<DaprException>(() => anonymous.PublishEventAsync("pubsub", "orders", 1)));
        Assert.Equal("missing api token in request metadata", RpcErrors.ErrorInfo(missing)!.Metadata["http.error_message"]);
    }

    [Fact]
    public async Task CreateInvokeHttpClient_and_InvokeService_with_an_http_extension_reach_the_app()
    {
        SdkSidecar.RequireInProcess();
        await using var app = await SubscriberApp.StartAsync((web, _) =>
        {
            web.MapPost("/echo/{word}", async (string word, HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                return Results.Text($"{word}:{request.Query["n"]}:{await reader.ReadToEndAsync()}", "text/plain");
            });
            web.MapGet("/teapot", () => Results.StatusCode(418));
        });
        await using var sidecar = await SdkSidecar.StartAsync("invoked", app.Port);
        using var client = sidecar.CreateClient();
        await Sidecart.Testing.Eventually.UntilAsync(() => Task.FromResult(sidecar.InProcess!.Context.AppChannel!.IsHealthy), healthy => healthy,
            "the app to be reachable", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));

        using var invokeClient = DaprClient.CreateInvokeHttpClient("invoked", sidecar.HttpEndpoint.ToString(), sidecar.ApiToken);
        using var viaHttp = await invokeClient.PostAsync("/echo/http?n=1", new StringContent("body"));
        Assert.Equal("http:1:body", await viaHttp.Content.ReadAsStringAsync());

        using var raw = sidecar.CreateRawClient();
        var call = raw.Client.InvokeServiceAsync(new InvokeServiceRequest
        {
            Id = "invoked",
            Message = new InvokeRequest
            {
                Method = "echo/grpc",
                Data = new Google.Protobuf.WellKnownTypes.Any { Value = ByteString.CopyFromUtf8("payload") },
                ContentType = "text/plain",
                HttpExtension = new HTTPExtension { Verb = HTTPExtension.Types.Verb.Post, Querystring = "n=2" },
            },
        }, raw.Headers);
        var response = await call.ResponseAsync;
        Assert.Equal("grpc:2:payload", response.Data.Value.ToStringUtf8());
        Assert.StartsWith("text/plain", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("200", (await call.ResponseHeadersAsync).GetValue("dapr-http-status"));

        var teapot = raw.Client.InvokeServiceAsync(new InvokeServiceRequest
        {
            Id = "invoked",
            Message = new InvokeRequest { Method = "teapot", HttpExtension = new HTTPExtension { Verb = HTTPExtension.Types.Verb.Get } },
        }, raw.Headers);
        var failure = await Assert.ThrowsAsync<RpcException>(() => teapot.ResponseAsync);
        Assert.Equal(StatusCode.Unknown, failure.StatusCode);
        Assert.Equal("418", RpcErrors.ErrorInfo(failure)!.Metadata["http.code"]);
    }

    [Fact]
    public async Task InvokeService_without_an_http_extension_cannot_reach_an_http_app()
    {
        await using var sidecar = await SdkSidecar.StartAsync();
        using var raw = sidecar.CreateRawClient();
        var e = await Assert.ThrowsAsync<RpcException>(() => raw.Client.InvokeServiceAsync(
            new InvokeServiceRequest { Id = "sdk-conformance", Message = new InvokeRequest { Method = "anything" } }, raw.Headers).ResponseAsync);
        Assert.Equal(StatusCode.Internal, e.StatusCode);
        Assert.EndsWith("missing HTTP extension field", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gRPC_service_the_sidecar_does_not_host_gets_the_answer_of_daprds_proxy()
    {
        await using var sidecar = await SdkSidecar.StartAsync();
        using var raw = sidecar.CreateRawClient();
        var invoker = raw.Channel.CreateCallInvoker();
        var bytes = Marshallers.Create<byte[]>(b => b, b => b);
        var method = new Method<byte[], byte[]>(MethodType.Unary, "example.Greeter", "SayHello", bytes, bytes);

        var e = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(method, null, new CallOptions(raw.Headers), []).ResponseAsync);
        Assert.Equal(StatusCode.Unknown, e.StatusCode);
        Assert.Equal("failed to proxy request: required metadata dapr-callee-app-id or dapr-app-id not found", e.Status.Detail);
    }

    [Fact]
    public async Task The_gRPC_port_serves_only_gRPC_and_the_HTTP_port_no_gRPC()
    {
        SdkSidecar.RequireInProcess();
        await using var sidecar = await SdkSidecar.StartAsync();
        using var http = new HttpClient();
        using var onHttpPort = await http.PostAsync(new Uri(sidecar.HttpEndpoint, "/dapr.proto.runtime.v1.Dapr/GetMetadata"), new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.NotFound, onHttpPort.StatusCode);

        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var healthOnGrpcPort = await h2c.GetAsync(new Uri(sidecar.GrpcEndpoint, "/v1.0/healthz"));
        Assert.Equal("2", healthOnGrpcPort.Headers.GetValues("grpc-status").Single());
    }

    [Fact]
    public async Task Shutdown_answers_and_then_stops_the_sidecar()
    {
        SdkSidecar.RequireInProcess();
        await using var sidecar = await SdkSidecar.StartAsync();
        using var client = sidecar.CreateClient();
        await client.ShutdownSidecarAsync();
        await sidecar.InProcess!.Stopped.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(await client.CheckHealthAsync());
    }
}
