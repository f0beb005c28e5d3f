using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Sidecart.Testing;

namespace Conformance.Sdk.Harness;

/// <summary>
/// An app hosted by the test together with its sidecar. The app is configured with the sidecar's HTTP endpoint (SDK
/// options such as the actor runtime's read it while the app is built), so for a local sidecar a free port is picked
/// for it first; the app starts on port 0 and the sidecar is then started with the port read back. Against an external
/// sidecar the app listens on <see cref="ConformanceTarget.ExternalAppPort"/> instead, so one app at a time.
/// </summary>
public sealed class AppUnderTest : IAsyncDisposable
{
    private const int MaxStartAttempts = 3;

    private AppUnderTest(HostedApp app, SidecarUnderTest sidecar)
    {
        App = app;
        Sidecar = sidecar;
    }

    public HostedApp App { get; }

    public SidecarUnderTest Sidecar { get; }

    /// <param name="appId">the app id the local sidecar runs with (an external sidecar has its own).</param>
    /// <param name="configure">registers the app's services; the second argument is the sidecar's HTTP endpoint.</param>
    /// <param name="map">maps the app's endpoints.</param>
    /// <param name="resourcesPaths">the local sidecar's components; null for the suite's <c>resources/</c>.</param>
    public static async Task<AppUnderTest> StartAsync(string appId, Action<WebApplicationBuilder, Uri> configure, Action<WebApplication> map, IReadOnlyList<string>? resourcesPaths = null)
    {
        if (ConformanceTarget.ExternalEndpoint is { } external)
        {
            var app = await HostedApp.StartAsync(ConformanceTarget.ExternalAppPort, builder => configure(builder, external), map);
            return new AppUnderTest(app, SidecarUnderTest.External(external));
        }

        for (var attempt = 1; ; attempt++)
        {
            var httpPort = FreePort.Next();
            var endpoint = new Uri($"http://127.0.0.1:{httpPort}");
            var app = await HostedApp.StartAsync(0, builder => configure(builder, endpoint), map);
            try
            {
                return new AppUnderTest(app, await SidecarUnderTest.StartInProcessAsync(appId, app.Port, httpPort, resourcesPaths));
            }
            catch (Exception e) when (attempt < MaxStartAttempts && IsPortTaken(e))
            {
                // The picked port was free when picked; a test assembly running in parallel may have bound it since.
                await app.DisposeAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await App.DisposeAsync();
    }

    private static bool IsPortTaken(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }
}
