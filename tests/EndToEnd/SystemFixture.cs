using System.Text.Json;
using Sidecart.Testing;

namespace EndToEnd;

/// <summary>The whole system of the repository's <c>dapr.yaml</c>, run in-process by the local runner on free ports,
/// with a temporary state database and a private name-resolution folder, so a developer's <c>make run</c> is not
/// disturbed. Started once for all test classes (<see cref="SystemCollection"/>).</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private SidecartSystem? _system;

    public HttpClient Catalog { get; private set; } = null!;
    public HttpClient Ordering { get; private set; } = null!;
    public HttpClient Inventory { get; private set; } = null!;
    public HttpClient Shipping { get; private set; } = null!;
    public HttpClient Provider { get; private set; } = null!;
    public HttpClient Payments { get; private set; } = null!;

    /// <summary>The payments app's sidecar: state read here is payments' own (its payment records).</summary>
    public HttpClient PaymentsDapr { get; private set; } = null!;

    /// <summary>A sidecar's Dapr HTTP API (inventory's), for publishing as an outside producer would.</summary>
    public HttpClient Dapr { get; private set; } = null!;

    public string LogPath => _system?.LogPath ?? "(the system did not start)";

    public static string RepositoryRoot => SidecartSystem.RepositoryRoot;

    /// <summary>The build output the apps (and the CLI, for the tests that run it) are started from.</summary>
    public const string BuildConfiguration = "Debug";

    /// <summary>An app's sidecar HTTP API, to invoke other apps as that app does.</summary>
    public Uri DaprEndpoint(string appId) => (_system ?? throw new InvalidOperationException("the system did not start")).DaprEndpoint(appId);

    public string NameResolutionDirectory => _system?.NameResolutionDirectory ?? throw new InvalidOperationException("the system did not start");

    /// <summary>Where an app of <c>dapr.yaml</c> listens in this run.</summary>
    public Uri AppEndpoint(string appId) => Started.AppEndpoint(appId);

    /// <summary>Where an app's sidecar serves Dapr's HTTP API in this run.</summary>
    public Uri DaprEndpoint(string appId) => Started.DaprEndpoint(appId);

    private SidecartSystem Started => _system ?? throw new InvalidOperationException("the system did not start");

    public async ValueTask InitializeAsync()
    {
        _system = await SidecartSystem.StartAsync(new SidecartSystemOptions
        {
            Configuration = BuildConfiguration,
            TempFolder = "sidecart-e2e",
            KeepFiles = Environment.GetEnvironmentVariable("E2E_KEEP") is "1",
            Env = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                // The outage scenario must trip the circuit: one order's first authorize (1 + 3 retries) is enough. The
                // scenarios share one system, so the break is short and the outage scenario ends only once a refund
                // got through, i.e. with the circuit closed again; an open circuit never leaks into the next scenario.
                ["payments"] = new Dictionary<string, string>
                {
                    ["Payments__Provider__CircuitBreaker__MinimumThroughput"] = "4",
                    ["Payments__Provider__CircuitBreaker__BreakDuration"] = "00:00:02",
                },
                ["ordering"] = new Dictionary<string, string>
                {
                    ["OrderWorkflow__RetryInterval"] = "00:00:01",
                    ["OrderWorkflow__StepTimeout"] = "00:00:20",
                },
            },
        });

        HttpClient Client(Uri endpoint) => new() { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(30) };
        Catalog = Client(_system.AppEndpoint("catalog"));
        Ordering = Client(_system.AppEndpoint("ordering"));
        Inventory = Client(_system.AppEndpoint("inventory"));
        Shipping = Client(_system.AppEndpoint("shipping"));
        Provider = Client(_system.AppEndpoint("payment-provider"));
        Payments = Client(_system.AppEndpoint("payments"));
        PaymentsDapr = Client(_system.DaprEndpoint("payments"));
        Dapr = Client(_system.DaprEndpoint("inventory"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }

        foreach (var client in new[] { Catalog, Ordering, Inventory, Shipping, Provider, Payments, PaymentsDapr, Dapr })
        {
            client?.Dispose();
        }
    }
}

public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                last = e;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting for {what}", last);
    }
}
