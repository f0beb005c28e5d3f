using System.Net;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Runner.Dashboard;

/// <summary>Serves <see cref="DashboardResourceService"/> on loopback (cleartext HTTP/2), to callers that send the run's
/// API key.</summary>
public sealed class ResourceServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ResourceServiceHost(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<ResourceServiceHost> StartAsync(DashboardResourceService service, ResourceServiceOptions options, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(service);
        builder.Services.AddSingleton(new ApiKeyInterceptor(options.ApiKey));
        builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<ApiKeyInterceptor>());
        var app = builder.Build();
        app.MapGrpcService<DashboardResourceService>();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ResourceServiceHost(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private sealed class ApiKeyInterceptor(string apiKey) : Interceptor
    {
        private readonly byte[] _expected = Encoding.UTF8.GetBytes(apiKey);

        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            Check(context);
            return continuation(request, context);
        }

        public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            Check(context);
            return continuation(request, responseStream, context);
        }

        public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
        {
            Check(context);
            return continuation(requestStream, responseStream, context);
        }

        private void Check(ServerCallContext context)
        {
            var sent = context.RequestHeaders.GetValue(ResourceServiceOptions.ApiKeyHeader);
            if (sent is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), _expected))
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, $"the resource service needs this run's key in '{ResourceServiceOptions.ApiKeyHeader}'"));
            }
        }
    }
}
