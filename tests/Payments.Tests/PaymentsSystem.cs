using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sidecart.PaymentProvider;
using Sidecart.Testing;

namespace Sidecart.Payments.Tests;

/// <summary>Payments on a real port behind a real local sidecar (in-memory or SQLite <c>statestore</c>, a local-file
/// <c>secretstore</c> in a temp folder), the stand-in provider on its own free port, and a client sidecar from
/// which tests call payments as ordering would. Payments reaches its sidecar as under the runner: Dapr.Client over
/// gRPC. Resilience settings are short so failure paths run quickly.</summary>
public sealed class PaymentsSystem : IAsyncDisposable
{
    public const string SecretName = "payments-provider-api-key";

    private readonly LocalSidecars _sidecars = new("sidecart-payments-tests");

    private PaymentsSystem()
    {
    }

    public SidecarEnvironment Environment => _sidecars.Environment;

    /// <summary>The key the payments app reads from its secret store; unique per system so logs can be searched for it.</summary>
    public string ApiKey { get; } = $"sk_test_{Guid.NewGuid():N}";

    public CapturedLogs Logs { get; } = new();

    public HttpClient App { get; private set; } = null!;

    /// <summary>The payments app's own sidecar: state read here is the app's own.</summary>
    public HttpClient PaymentsSidecar { get; private set; } = null!;

    /// <summary>A sidecar with no app, from which tests invoke payments as another app would.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The stand-in provider, for its sandbox switches and stats.</summary>
    public HttpClient Provider { get; private set; } = null!;

    /// <summary>The payments app's services, for what only the inside shows (its configured provider HttpClient).</summary>
    public IServiceProvider PaymentsServices { get; private set; } = null!;

    /// <summary>The SQLite database of a <see cref="PaymentsStateStore.Sqlite"/> system.</summary>
    public string StateDatabase => Path.Combine(_sidecars.Root, "state.db");

    /// <param name="settings">payments configuration on top of the test defaults (<c>Payments:Provider:...</c>, log levels).</param>
    /// <param name="providerApiKey">the key the provider accepts; defaults to the one in the secret store.</param>
    /// <param name="stateStore">the kind of <c>statestore</c> component.</param>
    /// <param name="services">changes to the payments app's services, applied after its own registrations.</param>
    public static async Task<PaymentsSystem> StartAsync(
        IReadOnlyDictionary<string, string>? settings = null,
        string? providerApiKey = null,
        PaymentsStateStore stateStore = PaymentsStateStore.InMemory,
        Action<IServiceCollection>? services = null)
    {
        var system = new PaymentsSystem();
        try
        {
            await system.StartAllAsync(settings, providerApiKey, stateStore, services);
            return system;
        }
        catch
        {
            try
            {
                await system.DisposeAsync();
            }
            catch (Exception cleanup)
            {
                // What the caller must see is why the start failed, not what tidying up after it ran into.
                TestContext.Current.SendDiagnosticMessage($"cleaning up after a failed start: {cleanup}");
            }

            throw;
        }
    }

    private async Task StartAllAsync(IReadOnlyDictionary<string, string>? settings, string? providerApiKey, PaymentsStateStore stateStore, Action<IServiceCollection>? services)
    {
        var resources = _sidecars.ResourcesPath;
        Directory.CreateDirectory(resources);
        var secretsFile = Path.Combine(_sidecars.Root, "secrets.json");
        File.WriteAllText(secretsFile, new JsonObject { [SecretName] = ApiKey }.ToJsonString());
        var state = stateStore == PaymentsStateStore.Sqlite
            ? $$"""{type: state.sqlite, version: v1, metadata: [{name: connectionString, value: "{{StateDatabase}}"}]}"""
            : "{type: state.in-memory, version: v1, metadata: []}";
        File.WriteAllText(Path.Combine(resources, "components.yaml"), $$"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: statestore}
            spec: {{state}}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: secretstore}
            spec:
              type: secretstores.local.file
              version: v1
              metadata:
              - {name: secretsFile, value: "{{secretsFile}}"}
              - {name: nestedSeparator, value: ":"}
            """);

        // The provider binds port 0, so the OS picks a port nobody else can take in the meantime.
        var provider = new ProviderFactory(providerApiKey ?? ApiKey);
        _sidecars.Track(provider);
        provider.UseKestrel();
        provider.StartServer();
        Provider = new HttpClient { BaseAddress = new Uri(provider.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()) };

        var configuration = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Payments:Provider:BaseUrl"] = Provider.BaseAddress.ToString(),
            ["Payments:Provider:AttemptTimeout"] = "00:00:05",
            ["Payments:Provider:MaxRetryAttempts"] = "2",
            ["Payments:Provider:RetryDelay"] = "00:00:00.010",
            // High enough that only the circuit-breaker tests, which lower it, ever open the circuit.
            ["Payments:Provider:CircuitBreaker:MinimumThroughput"] = "1000",
            ["Payments:Provider:CircuitBreaker:SamplingDuration"] = "00:00:30",
            ["Payments:Provider:CircuitBreaker:BreakDuration"] = "00:00:00.500",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            configuration[key] = value;
        }

        await StartPaymentsAsync(configuration, resources, services);

        var client = await _sidecars.StartAsync("caller", null, resources);
        Client = new HttpClient { BaseAddress = client.HttpEndpoint };
    }

    public Task<HttpResponseMessage> AuthorizeAsync(string orderId, decimal amount = 42.50m, string customerId = "customer-1", string currency = "EUR") =>
        App.PostAsJsonAsync("/payments/authorize", new { orderId, customerId, amount, currency });

    public Task<HttpResponseMessage> RefundAsync(string orderId) => App.PostAsJsonAsync("/payments/refund", new { orderId });

    public async Task<JsonObject> ProviderStatsAsync() => (await Provider.GetFromJsonAsync<JsonObject>("/admin/stats"))!;

    public async Task SetProviderBehaviourAsync(object behaviour)
    {
        using var response = await Provider.PostAsJsonAsync("/admin/behaviour", behaviour);
        response.EnsureSuccessStatusCode();
    }

    public static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what) =>
        Eventually.UntilAsync(read, done, what, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50));

    public async ValueTask DisposeAsync()
    {
        App?.Dispose();
        Client?.Dispose();
        Provider?.Dispose();
        PaymentsSidecar?.Dispose();
        await _sidecars.DisposeAsync();
    }

    /// <summary>The app port must be known before the app starts (its sidecar needs it): a reserved port, on whose
    /// socket Kestrel then serves.</summary>
    private async Task StartPaymentsAsync(Dictionary<string, string> configuration, string resources, Action<IServiceCollection>? services)
    {
        var appPort = _sidecars.Track(new ReservedPort());
        var sidecar = await _sidecars.StartAsync("payments", appPort.Port, resources);
        PaymentsSidecar = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        // What the runner tells every app; the gRPC endpoint is what Dapr.Client uses for state and secrets.
        configuration["DAPR_HTTP_PORT"] = sidecar.HttpPort.ToString(CultureInfo.InvariantCulture);
        configuration["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
        var payments = _sidecars.Track(new PaymentsFactory(configuration, Logs, services));
        payments.UseKestrel(appPort.ServeWith);
        payments.StartServer();
        PaymentsServices = payments.Services;
        App = new HttpClient { BaseAddress = appPort.Address };
    }

    private sealed class PaymentsFactory(IReadOnlyDictionary<string, string> settings, CapturedLogs logs, Action<IServiceCollection>? services)
        : WebApplicationFactory<PaymentsJsonContext>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(collection => collection.AddSingleton<ILoggerProvider>(logs));
            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        }
    }

    private sealed class ProviderFactory(string apiKey) : WebApplicationFactory<ProviderOptions>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Provider:ApiKey", apiKey);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("urls", "http://127.0.0.1:0");
        }
    }
}
