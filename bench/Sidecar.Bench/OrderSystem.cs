using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Sidecart.Testing;

namespace Sidecar.Bench;

/// <summary>One running system of <c>dapr.yaml</c> for the order benchmarks, with the telemetry given, a subscriber
/// that timestamps its order events, enough stock that no order is rejected, and a client for it.</summary>
internal sealed class OrderSystem(string stockFile, OrderEventsApp events, SidecartSystem system, HttpClient http, OrderClient client) : IAsyncDisposable
{
    /// <summary>Opening stock per SKU, so that no order of the run can be rejected for lack of stock.</summary>
    private const int Stock = 1_000_000;

    public OrderClient Client => client;

    public static async Task<OrderSystem> StartAsync(string repoRoot, OrderTelemetry telemetry)
    {
        var skus = await ReadSkusAsync(repoRoot);
        var stockFile = Path.Combine(Path.GetTempPath(), $"sidecart-bench-stock-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(stockFile, JsonSerializer.Serialize(skus.Select(sku => new { sku, quantity = Stock })));
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { Timeout = TimeSpan.FromSeconds(30) };
        OrderEventsApp? events = null;
        SidecartSystem? system = null;
        try
        {
            events = await OrderEventsApp.StartAsync();
            system = await SidecartSystem.StartAsync(new SidecartSystemOptions
            {
                Configuration = typeof(OrderSystem).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release",
                TempFolder = "sidecart-bench",
                Dashboard = telemetry != OrderTelemetry.None,
                SamplingRate = telemetry == OrderTelemetry.DashboardTraced ? "1" : "0",
                Env = SidecartSystem.AppIds.ToDictionary(id => id, id => (IReadOnlyDictionary<string, string>)AppEnvironment(id, telemetry, stockFile)),
                ExtraApps = [new ExtraApp(OrderEventsApp.AppId, events.Port, Path.Combine(repoRoot, "bench", "Sidecar.Bench"))],
            });
            await WaitForStockAsync(http, system.AppEndpoint("inventory"), skus);
            return new OrderSystem(stockFile, events, system, http, new OrderClient(http, system, events, skus));
        }
        catch
        {
            if (system is not null)
            {
                await system.DisposeAsync();
            }

            if (events is not null)
            {
                await events.DisposeAsync();
            }

            http.Dispose();
            File.Delete(stockFile);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await system.DisposeAsync();
        await events.DisposeAsync();
        File.Delete(stockFile);
    }

    private static Dictionary<string, string> AppEnvironment(string appId, OrderTelemetry telemetry, string stockFile)
    {
        var environment = new Dictionary<string, string>();
        if (appId == "inventory")
        {
            environment["Inventory__SeedFile"] = stockFile;
        }

        if (telemetry == OrderTelemetry.DashboardUntraced)
        {
            // OpenTelemetry's standard switch: the apps' own traces off, their logs and metrics still exported.
            environment["OTEL_TRACES_SAMPLER"] = "always_off";
        }

        return environment;
    }

    private static async Task<string[]> ReadSkusAsync(string repoRoot)
    {
        await using var file = File.OpenRead(Path.Combine(repoRoot, "apps", "inventory", "data", "stock.json"));
        var lines = await JsonSerializer.DeserializeAsync<JsonElement>(file);
        return lines.EnumerateArray().Select(line => line.GetProperty("sku").GetString()!).ToArray();
    }

    // Inventory answers before its seeder has given every SKU its opening stock.
    private static async Task WaitForStockAsync(HttpClient http, Uri inventory, string[] skus)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var sku in skus)
        {
            while ((await http.GetFromJsonAsync<JsonElement>(new Uri(inventory, $"/stock/{sku}"))).GetProperty("available").GetInt32() < Stock)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"inventory did not seed the bench stock of {sku}");
                }

                await Task.Delay(100);
            }
        }
    }
}
