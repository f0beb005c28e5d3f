using System.Text.Json;
using Sidecart.Testing;

namespace EndToEnd;

/// <summary>The whole system of the repository's <c>dapr.yaml</c>, run in-process by the local runner on free ports,
/// with a temporary state database (or a private redis-server) and a private name-resolution folder, so a developer's
/// <c>make run</c> is not disturbed. One per profile, started once for all test classes (<see cref="SystemCollection"/>).</summary>
public abstract class SystemFixture : IAsyncLifetime
{
    private SidecartSystem? _system;
    private RedisServer? _redis;

    /// <summary>The component profile, as <c>make run PROFILE=...</c> names it.</summary>
    public abstract string Profile { get; }

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
    public Uri DaprEndpoint(string appId) => Started.DaprEndpoint(appId);

    public string NameResolutionDirectory => _system?.NameResolutionDirectory ?? throw new InvalidOperationException("the system did not start");

    /// <summary>Where an app of <c>dapr.yaml</c> listens in this run.</summary>
    public Uri AppEndpoint(string appId) => Started.AppEndpoint(appId);

    private SidecartSystem Started => _system ?? throw new InvalidOperationException("the system did not start");
    /// <summary>The options of a system on this fixture's profile (for tests that run a system of their own).</summary>
    public static async Task<(SidecartSystemOptions Options, RedisServer? Redis)> ProfileAsync(string profile, SidecartSystemOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (profile != "redis")
        {
            return (options, null);
        }
        RedisServer.Require();
        var redis = await RedisServer.StartAsync();
        return (options with { Redis = redis }, redis);
    }

    public async ValueTask InitializeAsync()
    {
        if (Profile == "redis" && RedisServer.Unavailable() is not null)
        {
            return; // each test says why it skips (Require), or fails under CI=true
        }

        (var options, _redis) = await ProfileAsync(Profile, new SidecartSystemOptions
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
        _system = await SidecartSystem.StartAsync(options);

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

    /// <summary>Called first by every test: skips it (or fails it under <c>CI=true</c>) when the profile's server is missing.</summary>
    public void Require()
    {
        if (_system is null)
        {
            RedisServer.Require();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        GC.SuppressFinalize(this);

        foreach (var client in new[] { Catalog, Ordering, Inventory, Shipping, Provider, Payments, PaymentsDapr, Dapr })
        {
            client?.Dispose();
        }
    }
}

/// <summary>The system on components/local: SQLite and in-memory pub/sub.</summary>
public sealed class LocalSystemFixture : SystemFixture
{
    public override string Profile => "local";
}

/// <summary>The system on components/redis, against a redis-server of its own.</summary>
public sealed class RedisSystemFixture : SystemFixture
{
    public override string Profile => "redis";
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
