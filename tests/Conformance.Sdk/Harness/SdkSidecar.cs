using Dapr.Client;
using Grpc.Core;
using Grpc.Net.Client;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conformance.Sdk.Harness;

/// <summary>The sidecar Dapr.Client talks to: a local sidecar started in-process on free ports with the
/// <c>resources/</c> components, or the external one of <see cref="ConformanceTarget"/> (for example a real daprd started
/// with the same resources), in which case tests that need to control the sidecar or its app skip.</summary>
public sealed class SdkSidecar : IAsyncDisposable
{
    private readonly string? _workingDirectory;

    private SdkSidecar(Uri httpEndpoint, Uri grpcEndpoint, Sidecar? sidecar, string? apiToken, string? workingDirectory)
    {
        HttpEndpoint = httpEndpoint;
        GrpcEndpoint = grpcEndpoint;
        InProcess = sidecar;
        ApiToken = apiToken;
        _workingDirectory = workingDirectory;
    }

    public static string SecretScopesConfig => Path.Combine(AppContext.BaseDirectory, "config", "secret-scopes.yaml");

    public Uri HttpEndpoint { get; }

    public Uri GrpcEndpoint { get; }

    public Sidecar? InProcess { get; }

    public string? ApiToken { get; }

    public static async Task<SdkSidecar> StartAsync(string appId = "sdk-conformance", int? appPort = null, Func<SidecarOptions, SidecarOptions>? configure = null)
    {
        if (ConformanceTarget.ExternalEndpoint is { } http)
        {
            return new SdkSidecar(http, ConformanceTarget.ExternalGrpcEndpoint, null, Environment.GetEnvironmentVariable("DAPR_API_TOKEN"), null);
        }

        var workingDirectory = SidecarUnderTest.NewWorkingDirectory();
        var options = new SidecarOptions
        {
            AppId = appId,
            AppPort = appPort,
            DaprHttpPort = 0,
            DaprGrpcPort = 0,
            DaprInternalPort = 0,
            ResourcesPaths = [SidecarUnderTest.ResourcesPath],
            WorkingDirectory = workingDirectory,
            Environment = new SidecarEnvironment(new FileNameResolver(Path.Combine(workingDirectory, "names"))),
            LoggerFactory = Environment.GetEnvironmentVariable("SIDECAR_TEST_LOGS") is "1" ? null : NullLoggerFactory.Instance,
            GracefulShutdown = TimeSpan.FromSeconds(2),
        };
        options = configure is null ? options : configure(options);
        try
        {
            var sidecar = await Sidecar.StartAsync(options);
            return new SdkSidecar(sidecar.HttpEndpoint, sidecar.GrpcEndpoint, sidecar, options.ApiToken, workingDirectory);
        }
        catch
        {
            Directory.Delete(workingDirectory, recursive: true);
            throw;
        }
    }

    /// <summary>Skips a test that needs to start, configure or look inside the sidecar itself.</summary>
    public static void RequireInProcess() => ConformanceTarget.RequireInProcess("it starts, configures or looks inside the sidecar");

    /// <summary>A <see cref="DaprClient"/> as an app builds one, pointed at this sidecar (with its token unless told
    /// otherwise).</summary>
    public DaprClient CreateClient(string? apiToken = null) =>
        new DaprClientBuilder().UseGrpcEndpoint(GrpcEndpoint.ToString()).UseHttpEndpoint(HttpEndpoint.ToString()).UseDaprApiToken(apiToken ?? ApiToken).Build();

    /// <summary>The generated stub of Dapr.Protos, for what DaprClient does not surface (subscriptions in the metadata,
    /// InvokeService); the token goes in the <c>dapr-api-token</c> metadata as the SDK sends it.</summary>
    public RawDapr CreateRawClient()
    {
        var channel = GrpcChannel.ForAddress(GrpcEndpoint);
        var headers = new Metadata();
        if (!string.IsNullOrEmpty(ApiToken))
        {
            headers.Add("dapr-api-token", ApiToken);
        }

        return new RawDapr(channel, new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel), headers);
    }

    public async ValueTask DisposeAsync()
    {
        if (InProcess is not null)
        {
            await InProcess.DisposeAsync();
        }

        if (_workingDirectory is not null)
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
    }
}

/// <summary>A generated Dapr stub with the call headers to send and the channel to dispose.</summary>
public sealed record RawDapr(GrpcChannel Channel, Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient Client, Metadata Headers) : IDisposable
{
    public void Dispose() => Channel.Dispose();
}
