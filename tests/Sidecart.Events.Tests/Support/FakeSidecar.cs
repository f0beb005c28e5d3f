using System.Net;
using Dapr.Client;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Sidecart.Events.Tests.Support;

/// <summary>A stand-in for daprd's gRPC API (state only) on a free loopback port, backed by a <see cref="FakeStateStore"/>
/// of a chosen flavour, so the real DaprClient talks to it as it would to a sidecar.</summary>
public sealed class FakeSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeSidecar(WebApplication app, FakeStateStore store, Uri endpoint)
    {
        _app = app;
        Store = store;
        Endpoint = endpoint;
    }

    public FakeStateStore Store { get; }

    public Uri Endpoint { get; }

    public static async Task<FakeSidecar> StartAsync(StoreFlavour flavour = StoreFlavour.Sqlite)
    {
        var store = new FakeStateStore(flavour);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<FakeDaprService>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<FakeDaprService>, FakeDaprMethods>());
        var app = builder.Build();
        app.MapGrpcService<FakeDaprService>();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new FakeSidecar(app, store, new Uri(address));
    }

    public void Configure(DaprClientBuilder builder) => builder.UseGrpcEndpoint(Endpoint.ToString()).UseHttpEndpoint(Endpoint.ToString());

    public DaprClient CreateClient()
    {
        var builder = new DaprClientBuilder();
        Configure(builder);
        return builder.Build();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
