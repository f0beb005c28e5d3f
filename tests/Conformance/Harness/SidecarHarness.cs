using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conformance.Harness;

/// <summary>A sidecar under test: by default a local sidecar started in-process on free ports with the
/// <c>resources/</c> components; when <c>DAPR_CONFORMANCE_ENDPOINT</c> is set, that sidecar instead (for example a
/// real daprd started with the same resources), in which case tests that need to control the app skip.</summary>
public sealed class SidecarHarness : IAsyncDisposable
{
    private readonly Sidecar? _sidecar;

    private SidecarHarness(Uri endpoint, Sidecar? sidecar)
    {
        Endpoint = endpoint;
        _sidecar = sidecar;
        Client = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static string? ExternalEndpoint => Environment.GetEnvironmentVariable("DAPR_CONFORMANCE_ENDPOINT") is { Length: > 0 } e ? e : null;

    /// <summary>The folder of component YAML the conformance suite is written against.</summary>
    public static string ResourcesPath => Path.Combine(AppContext.BaseDirectory, "resources");

    public Uri Endpoint { get; }

    public HttpClient Client { get; }

    public Sidecar Sidecar => _sidecar ?? throw new InvalidOperationException("no in-process sidecar");

    /// <summary>A fresh environment (own name-resolution folder and in-memory brokers) so tests do not see each other.</summary>
    public static SidecarEnvironment NewEnvironment() =>
        new(new FileNameResolver(Path.Combine(Path.GetTempPath(), "sidecart-tests", Guid.NewGuid().ToString("N"))));

    public static async Task<SidecarHarness> StartAsync(
        string appId = "conformance",
        TestApp? app = null,
        IReadOnlyList<string>? resourcesPaths = null,
        SidecarEnvironment? environment = null,
        Func<SidecarOptions, SidecarOptions>? configure = null)
    {
        if (ExternalEndpoint is { } external)
        {
            return new SidecarHarness(new Uri(external), null);
        }

        var options = new SidecarOptions
        {
            AppId = appId,
            AppPort = app?.Port,
            DaprHttpPort = 0,
            DaprInternalPort = 0,
            ResourcesPaths = resourcesPaths ?? [ResourcesPath],
            WorkingDirectory = ResourcesPath,
            Environment = environment ?? NewEnvironment(),
            LoggerFactory = Environment.GetEnvironmentVariable("SIDECAR_TEST_LOGS") is "1" ? null : NullLoggerFactory.Instance,
            GracefulShutdown = TimeSpan.FromSeconds(2),
        };
        var sidecar = await Sidecar.StartAsync(configure is null ? options : configure(options));
        return new SidecarHarness(sidecar.HttpEndpoint, sidecar);
    }

    /// <summary>Skips a test that needs the in-process sidecar (its app, its environment) when pointed at an external one.</summary>
    public static void RequireInProcess()
    {
        if (ExternalEndpoint is not null)
        {
            Assert.Skip("needs an in-process local sidecar with a test app; DAPR_CONFORMANCE_ENDPOINT is set");
        }
    }

    /// <summary>Waits until the sidecar reports ready (<c>GET /v1.0/healthz</c> 204), i.e. its app is reachable.</summary>
    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Client.GetAsync("/v1.0/healthz");
            if (response.StatusCode == System.Net.HttpStatusCode.NoContent)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("sidecar did not become ready");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }
    }
}
