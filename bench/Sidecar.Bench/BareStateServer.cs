using System.Net;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sidecar.Bench;

/// <summary>The floor under the transport figures: a bare ASP.NET Core app that answers the Dapr state get from one
/// value in memory, over HTTP/1.1 (minimal API) and over gRPC (Grpc.AspNetCore on an h2c port), with nothing of the
/// sidecar behind either. The same clients call it as call the sidecar, so its two latencies are what .NET's own
/// HTTP/1.1 and HTTP/2 stacks cost per call.</summary>
public sealed class BareStateServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareStateServer(WebApplication app) => _app = app;

    public Uri HttpEndpoint => new(_app.Urls.ElementAt(0));

    public Uri GrpcEndpoint => new(_app.Urls.ElementAt(1));

    public static async Task<BareStateServer> StartAsync(byte[] value)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new GetStateMethod(ByteString.CopyFrom(value)));
        builder.Services.AddSingleton<IServiceMethodProvider<GetStateMethod>>(sp => sp.GetRequiredService<GetStateMethod>());
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.MapGet("/v1.0/state/{store}/{key}", (HttpResponse response) =>
        {
            response.Headers.ETag = "1";
            return Results.Bytes(value, "application/json");
        });
        app.MapGrpcService<GetStateMethod>();
        await app.StartAsync();
        return new BareStateServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary><c>dapr.proto.runtime.v1.Dapr/GetState</c> answering one value.</summary>
    private sealed class GetStateMethod(ByteString value) : IServiceMethodProvider<GetStateMethod>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<GetStateMethod> context)
        {
            var method = new Method<GetStateRequest, GetStateResponse>(MethodType.Unary, "dapr.proto.runtime.v1.Dapr", "GetState",
                Marshallers.Create(r => r.ToByteArray(), GetStateRequest.Parser.ParseFrom),
                Marshallers.Create(r => r.ToByteArray(), GetStateResponse.Parser.ParseFrom));
            context.AddUnaryMethod(method, [], (self, _, _) => Task.FromResult(new GetStateResponse { Data = self.Value, Etag = "1" }));
        }

        public ByteString Value { get; } = value;
    }
}
