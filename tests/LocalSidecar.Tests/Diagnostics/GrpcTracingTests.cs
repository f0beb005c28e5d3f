using System.Diagnostics;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using Grpc.Net.Client;
using LocalSidecar.Diagnostics;
using LocalSidecar.Hosting;
using Sidecart.Testing;
using Sidecart.Testing.Telemetry;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>daprd's gRPC API spans: the full method as the name (InvokeService named as the invocation it makes),
/// <c>grpc-trace-bin</c> read before <c>traceparent</c>, and the span's own context answered in it.</summary>
public sealed class GrpcTracingTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string CallerSpan = "b9c7c989f97918e1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_grpc_call_with_grpc_trace_bin_is_continued_and_answered_with_the_sidecars_span_in_grpc_trace_bin()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress);
        var sidecar = await system.StartAsync("grpc-traced", null);
        using var channel = GrpcChannel.ForAddress(sidecar.GrpcEndpoint);
        var client = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel);

        // Only the binary form: a traceparent of another trace alongside must lose to it, as in daprd.
        var headers = new Metadata
        {
            { GrpcTraceBin.Header, Binary(TraceId, CallerSpan, sampled: true) },
            { "traceparent", "00-11111111111111111111111111111111-2222222222222222-01" },
        };
        using var call = client.GetStateAsync(new GetStateRequest { StoreName = "statestore", Key = "k1" }, headers, cancellationToken: Ct);
        await call;
        var answered = (await call.ResponseHeadersAsync).Get(GrpcTraceBin.Header)?.ValueBytes;
        TracingSidecars.Flush(sidecar);

        var spans = await TracingSidecars.SpansAsync(receiver, s => s.Any(x => x.Name == "/dapr.proto.runtime.v1.Dapr/GetState"));
        var span = Assert.Single(spans, s => s.Name == "/dapr.proto.runtime.v1.Dapr/GetState");
        Assert.Equal((ReceivedSpan.Client, TraceId, CallerSpan), (span.Kind, span.TraceId, span.ParentSpanId));
        Assert.Equal(("grpc", "/dapr.proto.runtime.v1.Dapr/GetState"), (span.Attributes["dapr.protocol"], span.Attributes["dapr.api"]));
        Assert.NotNull(answered);
        Assert.Equal(Convert.ToHexStringLower(Binary(TraceId, span.SpanId, sampled: true)), Convert.ToHexStringLower(answered));
    }

    [Fact]
    public async Task InvokeService_over_grpc_is_named_CallLocal_after_its_target_and_carries_no_grpc_trace_bin_back()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var app = await RecordingApp.StartAsync();
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress);
        var caller = await system.StartAsync("grpc-caller", null);
        var callee = await system.StartAsync("callee", app.Port);
        using var channel = GrpcChannel.ForAddress(caller.GrpcEndpoint);
        var client = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel);

        var headers = new Metadata { { "traceparent", $"00-{TraceId}-{CallerSpan}-01" } };
        var request = new InvokeServiceRequest
        {
            Id = "callee",
            Message = new InvokeRequest { Method = "hello", HttpExtension = new HTTPExtension { Verb = HTTPExtension.Types.Verb.Post } },
        };
        using var call = client.InvokeServiceAsync(request, headers, cancellationToken: Ct);
        await call;
        var responseHeaders = await call.ResponseHeadersAsync;
        TracingSidecars.Flush(caller, callee);

        var spans = await TracingSidecars.SpansAsync(receiver, s => s.Count(x => x.Name == "CallLocal/callee/hello") >= 2);
        var client1 = Assert.Single(spans, s => s.Name == "CallLocal/callee/hello" && s.Kind == ReceivedSpan.Client);
        Assert.Equal(("grpc-caller", TraceId, CallerSpan), (client1.ServiceName, client1.TraceId, client1.ParentSpanId));
        Assert.Equal(("ServiceInvocation", "callee", "grpc"), (client1.Attributes["rpc.service"], client1.Attributes["net.peer.name"], client1.Attributes["dapr.protocol"]));
        var server = Assert.Single(spans, s => s.Name == "CallLocal/callee/hello" && s.Kind == ReceivedSpan.Server);
        Assert.Equal(("callee", client1.SpanId), (server.ServiceName, server.ParentSpanId));
        Assert.Contains(app.Requests, r => r.Path == "/hello" && r.Traceparent == $"00-{TraceId}-{server.SpanId}-01");
        Assert.Null(responseHeaders.Get(GrpcTraceBin.Header));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // zero ids
    [InlineData("AQ")] // too short
    public void A_malformed_grpc_trace_bin_is_no_parent(string value) =>
        Assert.False(GrpcTraceBin.TryRead(value, out _));

    [Fact]
    public void Grpc_trace_bin_reads_back_what_it_writes_with_the_sampled_bit_and_unpadded_base64()
    {
        var span = new Activity("x");
        span.SetParentId(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(CallerSpan), ActivityTraceFlags.Recorded);
        span.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        span.Start();
        span.Stop();
        var written = GrpcTraceBin.Write(span);

        Assert.True(GrpcTraceBin.TryRead(written.TrimEnd('='), out var read));
        Assert.Equal((span.TraceId, span.SpanId, ActivityTraceFlags.Recorded), (read.TraceId, read.SpanId, read.TraceFlags));
        Assert.True(GrpcTraceBin.TryRead(Convert.ToBase64String(Binary(TraceId, CallerSpan, sampled: false)), out var unsampled));
        Assert.Equal((TraceId, CallerSpan, ActivityTraceFlags.None), (unsampled.TraceId.ToHexString(), unsampled.SpanId.ToHexString(), unsampled.TraceFlags));
    }

    /// <summary>The 29-byte OpenCensus form, built by hand from its specification.</summary>
    private static byte[] Binary(string traceId, string spanId, bool sampled) =>
        [0, 0, .. Convert.FromHexString(traceId), 1, .. Convert.FromHexString(spanId), 2, (byte)(sampled ? 1 : 0)];
}
