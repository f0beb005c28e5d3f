using System.Text.Json.Nodes;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conformance.Sdk.Harness;

/// <summary>The sidecar an app under test talks to: an in-process local sidecar, or the external one of
/// <see cref="ConformanceTarget"/>. <see cref="Http"/> is a raw client for its HTTP API, for what the SDK does not show.</summary>
public sealed class SidecarUnderTest : IAsyncDisposable
{
    private readonly Sidecar? _sidecar;
    private readonly string? _workingDirectory;

    private SidecarUnderTest(Uri httpEndpoint, Sidecar? sidecar, string? workingDirectory)
    {
        HttpEndpoint = httpEndpoint;
        _sidecar = sidecar;
        _workingDirectory = workingDirectory;
        Http = new HttpClient { BaseAddress = httpEndpoint, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri HttpEndpoint { get; }

    public HttpClient Http { get; }

    /// <summary>The folder of component YAML the suite is written against.</summary>
    public static string ResourcesPath => Path.Combine(AppContext.BaseDirectory, "resources");

    public static SidecarUnderTest External(Uri httpEndpoint) => new(httpEndpoint, null, null);

    /// <summary>Starts a local sidecar for <paramref name="appId"/> on <paramref name="httpPort"/>, calling the app on
    /// <paramref name="appPort"/>, with <see cref="ResourcesPath"/> (or <paramref name="resourcesPaths"/>) and a fresh working directory (so relative
    /// component paths such as the sqlite file are its own).</summary>
    public static async Task<SidecarUnderTest> StartInProcessAsync(string appId, int appPort, int httpPort, IReadOnlyList<string>? resourcesPaths = null)
    {
        var workingDirectory = NewWorkingDirectory();
        try
        {
            var sidecar = await Sidecar.StartAsync(new SidecarOptions
            {
                AppId = appId,
                AppPort = appPort,
                DaprHttpPort = httpPort,
                DaprInternalPort = 0,
                ResourcesPaths = resourcesPaths ?? [ResourcesPath],
                WorkingDirectory = workingDirectory,
                Environment = new SidecarEnvironment(new FileNameResolver(Path.Combine(workingDirectory, "names"))),
                LoggerFactory = Environment.GetEnvironmentVariable("SIDECAR_TEST_LOGS") is "1" ? null : NullLoggerFactory.Instance,
                GracefulShutdown = TimeSpan.FromSeconds(2),
            });
            return new SidecarUnderTest(sidecar.HttpEndpoint, sidecar, workingDirectory);
        }
        catch
        {
            Directory.Delete(workingDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>A fresh working directory for one local sidecar, holding the secrets file that <c>secretstore.yaml</c>
    /// names (daprd resolves a relative <c>secretsFile</c> against its working directory).</summary>
    public static string NewWorkingDirectory()
    {
        var workingDirectory = Path.Combine(Path.GetTempPath(), "sidecart-conformance-sdk", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workingDirectory);
        File.Copy(Path.Combine(ResourcesPath, "secrets.json"), Path.Combine(workingDirectory, "secrets.json"));
        return workingDirectory;
    }

    /// <summary>Waits until the sidecar's metadata reports its actor runtime running and ready to host the app's actor
    /// types (the <c>actorRuntime</c> section of <c>GET /v1.0/metadata</c>, which daprd serves too).</summary>
    public Task WaitForActorRuntimeAsync() =>
        Poll.UntilAsync(
            async () => JsonNode.Parse(await Http.GetStringAsync("/v1.0/metadata"))?["actorRuntime"],
            runtime => runtime?["runtimeStatus"]?.GetValue<string>() == "RUNNING" && runtime["hostReady"]?.GetValue<bool>() == true,
            "the sidecar's actor runtime to be running and ready to host the app's actor types",
            TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }

        if (_workingDirectory is not null)
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
    }
}
