using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using LocalSidecar.Runner;

namespace EndToEnd;

/// <summary>The whole system of the repository's <c>dapr.yaml</c>, run in-process by the local runner on free ports,
/// with a temporary state database and a private name-resolution folder, so a developer's <c>make run</c> is not
/// disturbed. Started once for all test classes (<see cref="SystemCollection"/>).</summary>
public sealed partial class SystemFixture : IAsyncLifetime
{
    private static readonly string[] AppIds = ["catalog", "ordering", "inventory", "shipping", "payments", "payment-provider"];

    private readonly string _temp = Path.Combine(Path.GetTempPath(), "sidecart-e2e", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, int> _appPorts = [];
    private readonly Dictionary<string, int> _daprPorts = [];
    private MultiAppRunner? _runner;
    private StreamWriter? _log;

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

    public string LogPath => Path.Combine(_temp, "runner.log");

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "dapr.yaml")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("dapr.yaml not found above " + AppContext.BaseDirectory);
        }
    }

    public async ValueTask InitializeAsync()
    {
        var root = RepositoryRoot;
        Directory.CreateDirectory(_temp);

        // components/local, with the state store moved to a temporary database file
        var resources = Path.Combine(_temp, "components");
        Directory.CreateDirectory(resources);
        foreach (var file in Directory.GetFiles(Path.Combine(root, "components", "local")))
        {
            var text = File.ReadAllText(file);
            text = ConnectionString().Replace(text, m => m.Groups[1].Value + Path.Combine(_temp, "state.db"));
            File.WriteAllText(Path.Combine(resources, Path.GetFileName(file)), text);
        }

        foreach (var id in AppIds)
        {
            _appPorts[id] = FreePort.Next();
            _daprPorts[id] = FreePort.Next();
        }

        var providerUrl = $"http://127.0.0.1:{_appPorts["payment-provider"]}";
        var env = new Dictionary<string, Dictionary<string, string>>
        {
            ["shipping"] = new() { ["PYTHONUNBUFFERED"] = "1" },
            ["payments"] = new()
            {
                ["Payments__Provider__BaseUrl"] = providerUrl,
                // The outage scenario must trip the circuit: one order's first authorize (1 + 3 retries) is enough. The
                // scenarios share one system, so the break is short and the outage scenario ends only once a refund
                // got through, i.e. with the circuit closed again; an open circuit never leaks into the next scenario.
                ["Payments__Provider__CircuitBreaker__MinimumThroughput"] = "4",
                ["Payments__Provider__CircuitBreaker__BreakDuration"] = "00:00:02",
            },
            ["payment-provider"] = new() { ["Urls"] = providerUrl, ["ASPNETCORE_URLS"] = providerUrl },
            ["ordering"] = new()
            {
                ["OrderProcess__RetryInterval"] = "00:00:01",
                ["OrderProcess__StepTimeout"] = "00:00:20",
            },
        };
        var commands = new Dictionary<string, string>
        {
            ["catalog"] = "[\"dotnet\", \"bin/Debug/net10.0/Catalog.dll\"]",
            ["ordering"] = "[\"dotnet\", \"bin/Debug/net10.0/Ordering.dll\"]",
            ["inventory"] = "[\"dotnet\", \"bin/Debug/net10.0/Inventory.dll\"]",
            ["shipping"] = "[\"python3\", \"app.py\"]",
            ["payments"] = "[\"dotnet\", \"bin/Debug/net10.0/Payments.dll\"]",
            ["payment-provider"] = "[\"dotnet\", \"bin/Debug/net10.0/PaymentProvider.dll\"]",
        };

        var yaml = new StringBuilder();
        yaml.AppendLine("version: 1");
        yaml.AppendLine("common:");
        yaml.AppendLine("  resourcesPaths:");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"    - '{resources}'");
        yaml.AppendLine("  appHealthCheckPath: /healthz");
        yaml.AppendLine("apps:");
        foreach (var id in AppIds)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - appID: {id}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    appDirPath: '{Path.Combine(root, "apps", id)}'");
            if (id != "payment-provider")
            {
                yaml.AppendLine(CultureInfo.InvariantCulture, $"    appPort: {_appPorts[id]}");
            }

            yaml.AppendLine(CultureInfo.InvariantCulture, $"    daprHTTPPort: {_daprPorts[id]}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    command: {commands[id]}");
            if (env.TryGetValue(id, out var vars))
            {
                yaml.AppendLine("    env:");
                foreach (var (name, value) in vars)
                {
                    yaml.AppendLine(CultureInfo.InvariantCulture, $"      {name}: '{value}'");
                }
            }
        }

        var runFilePath = Path.Combine(_temp, "dapr.yaml");
        File.WriteAllText(runFilePath, yaml.ToString());

        _log = new StreamWriter(LogPath) { AutoFlush = true };
        var options = new RunnerOptions
        {
            ResourcesPathsOverride = [resources],
            Environment = new SidecarEnvironment(new FileNameResolver(Path.Combine(_temp, "names"))),
            Output = TextWriter.Synchronized(_log),
            AppStartTimeout = TimeSpan.FromSeconds(60),
            StopGracePeriod = TimeSpan.FromSeconds(3),
        };
        _runner = await MultiAppRunner.StartAsync(RunFile.Load(runFilePath), options, CancellationToken.None);

        HttpClient Client(int port) => new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        Catalog = Client(_appPorts["catalog"]);
        Ordering = Client(_appPorts["ordering"]);
        Inventory = Client(_appPorts["inventory"]);
        Shipping = Client(_appPorts["shipping"]);
        Provider = Client(_appPorts["payment-provider"]);
        Payments = Client(_appPorts["payments"]);
        PaymentsDapr = Client(_daprPorts["payments"]);
        Dapr = Client(_daprPorts["inventory"]);

        await WaitReadyAsync();
    }

    private async Task WaitReadyAsync()
    {
        await Poll.UntilAsync(async () =>
        {
            using var products = await Catalog.GetAsync("/products");
            if (!products.IsSuccessStatusCode || (await products.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength() == 0)
            {
                return false;
            }

            using var stock = await Inventory.GetAsync("/stock/TRAIL-SHOE-42");
            if (!stock.IsSuccessStatusCode)
            {
                return false;
            }

            foreach (var client in new[] { Ordering, Shipping, Provider, Payments })
            {
                using var health = await client.GetAsync("/healthz");
                if (!health.IsSuccessStatusCode)
                {
                    return false;
                }
            }

            return true;
        }, TimeSpan.FromSeconds(60), "the system to be ready (log: " + LogPath + ")");
    }

    public async ValueTask DisposeAsync()
    {
        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }

        foreach (var client in new[] { Catalog, Ordering, Inventory, Shipping, Provider, Payments, PaymentsDapr, Dapr })
        {
            client?.Dispose();
        }

        if (_log is not null)
        {
            await _log.DisposeAsync();
        }

        try
        {
            if (Environment.GetEnvironmentVariable("E2E_KEEP") is not "1")
            {
                Directory.Delete(_temp, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"(- name: connectionString\s*\n\s*value:\s*)\S+")]
    private static partial Regex ConnectionString();
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
