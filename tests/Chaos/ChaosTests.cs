using System.Net.Http.Json;
using System.Text;
using LocalSidecar.Hosting;
using Sidecart.Testing;

namespace Chaos;

/// <summary>
/// The whole system under faults, on each profile: orders arrive at a steady rate while every app is killed -9 in turn
/// and started again (on Redis also the runner, i.e. every sidecar at once, and redis-server with its append-only file),
/// with every pub/sub message delivered twice and a share of state writes failing. Once the faults stop and the system
/// has recovered, the books must balance: every accepted order final, nobody charged twice or charged for nothing,
/// nothing oversold or lost, only confirmed orders shipped, and each once. The figures are printed either way. One
/// class per profile, so the two run side by side.
/// </summary>
public abstract class ChaosTests
{
    private const double StateWriteFailureRate = 0.03;
    private const int InitialUnits = 120;

    /// <summary>Bounds a hang only: how long one app (or the runner) may take to come back, and the system to settle.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    /// <summary>The apps killed in turn. The payment provider is not one of them: it stands in for a third party, whose
    /// books (kept in its memory) are what the suite checks charges against.</summary>
    private static readonly string[] Killed = ["catalog", "ordering", "inventory", "payments", "shipping"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The component profile: local or redis.</summary>
    protected abstract string Profile { get; }

    [Fact]
    public async Task Orders_balance_after_kills_restarts_duplicate_deliveries_and_failed_state_writes()
    {
        var profile = Profile;
        RedisServer? redis = null;
        if (profile == "redis")
        {
            RedisServer.Require();
            redis = await RedisServer.StartAsync(appendOnly: true);
        }

        await using var server = redis;
        await using var system = await SidecartSystem.StartAsync(new SidecartSystemOptions
        {
            TempFolder = "sidecart-chaos",
            KeepFiles = Environment.GetEnvironmentVariable("CHAOS_KEEP") is "1",
            Redis = redis,
            RunnerProcess = true,
            // A restarted runner resumes the unfinished workflows before its sidecars answer: slow on a loaded machine.
            ReadyTimeout = Patience,
            RunByCaller = new HashSet<string>(SidecartSystem.AppIds),
            // A message a killed sidecar had taken comes back after seconds, not daprd's default minute.
            PubSubMetadata = redis is null ? new Dictionary<string, string>() : new Dictionary<string, string>
            {
                ["processingTimeout"] = "5000",
                ["redeliverInterval"] = "1000",
            },
            SidecarEnv = new Dictionary<string, string>
            {
                [FaultSwitches.DuplicateDeliveryVariable] = "1",
                [FaultSwitches.StateWriteFailuresVariable] = StateWriteFailureRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            Env = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["ordering"] = new Dictionary<string, string>
                {
                    ["OrderWorkflow__RetryInterval"] = "00:00:01",
                    ["OrderWorkflow__PaymentDeadline"] = "00:05:00",
                },
            },
        }, Ct);
        var apps = SidecartSystem.AppIds.ToDictionary(id => id, id => system.StartApp(id));
        await system.WaitAllAppsReadyAsync(Ct);
        Progress(profile, $"system ready, its log: {system.LogPath}");

        using var ordering = Client(system.AppEndpoint("ordering"));
        using var inventory = Client(system.AppEndpoint("inventory"));
        using var catalog = Client(system.AppEndpoint("catalog"));
        using var provider = Client(system.AppEndpoint("payment-provider"));
        using var shipping = Client(system.AppEndpoint("shipping"));
        using var paymentsDapr = Client(system.DaprEndpoint("payments"));
        using var inventoryDapr = Client(system.DaprEndpoint("inventory"));

        var skus = Enumerable.Range(1, 3).Select(i => $"CHAOS-{i}-{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}").ToList();
        foreach (var sku in skus)
        {
            await StockNewProductAsync(catalog, inventoryDapr, inventory, sku);
        }

        var kills = 0;
        var skipped = new List<string>();
        await using var orders = new SteadyOrders(ordering, skus, TimeSpan.FromMilliseconds(700));
        orders.Start();
        await WaitAcceptedAsync(orders, 10);
        foreach (var id in Killed)
        {
            await apps[id].KillAsync();
            await apps[id].DisposeAsync();
            kills++;
            apps[id] = system.StartApp(id);
            await system.WaitAllAppsReadyAsync(Ct);
            await WaitAcceptedAsync(orders, orders.Accepted.Count + 5);
            Progress(profile, $"{id} killed and back, {orders.Accepted.Count} orders accepted");
        }

        if (redis is null)
        {
            skipped.Add("kill -9 of the runner: pubsub.in-memory lives in the runner's process and loses what was in flight with it");
            skipped.Add("restart of redis-server: this profile has none (SQLite state, in-memory pub/sub)");
        }
        else
        {
            await system.KillRunnerAsync();
            kills++;
            await system.StartRunnerAsync(Ct);
            await system.WaitAllAppsReadyAsync(Ct);
            await WaitAcceptedAsync(orders, orders.Accepted.Count + 5);
            Progress(profile, $"runner killed and back, {orders.Accepted.Count} orders accepted");

            await redis.RestartAsync();
            kills++;
            await system.WaitAllAppsReadyAsync(Ct);
            await WaitAcceptedAsync(orders, orders.Accepted.Count + 5);
            Progress(profile, $"redis-server restarted, {orders.Accepted.Count} orders accepted");
        }

        await orders.StopAsync();
        var accepted = orders.Accepted;
        Progress(profile, $"faults over, waiting for {accepted.Count} orders to settle");
        try
        {
            await Eventually.UntilAsync(() => Reconciliation.StatusesAsync(ordering, accepted, Ct),
                statuses => statuses.Values.All(s => Reconciliation.FinalStatuses.Contains(s)), "every accepted order to reach a final status",
                Patience, TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            // Counted and listed below, with everything else.
        }

        var result = await Reconciliation.ReadAsync(new Reconciliation.Clients(ordering, inventory, paymentsDapr, provider, shipping),
            accepted, orders.NotFoundAfterAccept, skus.ToDictionary(s => s, _ => InitialUnits), system.LogPath, Ct);
        var report = result.Describe(profile, kills, CountInLog(system.LogPath, "fault injected: duplicate delivery"),
            CountInLog(system.LogPath, "fault injected: state "), skipped);
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        Progress(profile, report);
        Assert.True(result.Clean, report);
        Assert.True(result.Accepted > 0, report);

        foreach (var app in apps.Values)
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>Where the suite is, as it goes: run as its own program (<c>make chaos</c>, <c>make test</c>), these lines
    /// reach the console (and CI's log) as they are written, even if the test process dies; a test's output reaches it
    /// only once the test has ended.</summary>
    private static void Progress(string profile, string text) =>
        Console.Error.WriteLine($"[chaos {profile} {DateTime.UtcNow:HH:mm:ss}] {text}");

    private static HttpClient Client(Uri endpoint) => new() { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(20) };

    private static Task<int> WaitAcceptedAsync(SteadyOrders orders, int count) =>
        Eventually.UntilAsync(() => Task.FromResult(orders.Accepted.Count), n => n >= count, $"{count} accepted orders", Patience, TimeSpan.FromMilliseconds(100));

    private static async Task StockNewProductAsync(HttpClient catalog, HttpClient inventoryDapr, HttpClient inventory, string sku)
    {
        // Through the faults already on: a failed state write is answered 500 and tried again, as a client would.
        await Eventually.UntilAsync(async () =>
        {
            using var put = await catalog.PutAsJsonAsync($"/products/{sku}", new { name = "Chaos lantern", price = 12.50m, currency = "EUR" }, Ct);
            return put.IsSuccessStatusCode;
        }, ok => ok, $"product {sku} to be stored", Patience, TimeSpan.FromMilliseconds(200));
        using (var content = new StringContent($$"""{"sku":"{{sku}}","quantity":{{InitialUnits}},"receiptId":"chaos-{{sku}}"}""", Encoding.UTF8, "application/json"))
        using (var publish = await inventoryDapr.PostAsync("/v1.0/publish/pubsub/stock-received", content, Ct))
        {
            Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync(Ct));
        }

        await Eventually.UntilAsync(async () => (await inventory.GetFromJsonAsync<System.Text.Json.JsonElement>($"/stock/{sku}", Ct)).GetProperty("available").GetInt32(),
            available => available == InitialUnits, $"{InitialUnits} units of {sku} in stock", Patience, TimeSpan.FromMilliseconds(200));
    }

    private static int CountInLog(string path, string text)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var count = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }
}

public sealed class ChaosOnLocal : ChaosTests
{
    protected override string Profile => "local";
}

public sealed class ChaosOnRedis : ChaosTests
{
    protected override string Profile => "redis";
}
