using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace EndToEnd;

/// <summary>Every command the README shows, as written, from the repository root: each <c>curl</c> against this run's
/// system (the README's ports, which are <c>dapr.yaml</c>'s, mapped to the run's free ports), the sidecar's
/// <c>publish</c> command, each <c>make</c> line (dry run: the target and its variables exist). A command of any other
/// kind must be one this class knows is covered elsewhere or needs what no test machine has (a cluster, real Dapr);
/// a new kind fails the test until it is covered.</summary>
[Collection(SystemCollection.Name)]
public sealed partial class ReadmeCommandsTests(LocalSystemFixture system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Sections whose commands need real Dapr, Docker or a cluster (tests/Deploy.Tests checks their files).</summary>
    private static readonly string[] ElsewhereSections = ["Kafka and MongoDB (real daprd)", "Real Dapr: on this machine, and on Kubernetes", "Kubernetes"];

    /// <summary>Commands covered by other tests: the standalone sidecar (tests/LocalSidecar.Tests ReadmeCommandTests), the
    /// runner (SidecartSystem runs dapr.yaml through it), a Redis server (RedisServer); and real Dapr's CLI, which no test
    /// machine has.</summary>
    private static readonly string[] CoveredElsewhere = ["cd apps/catalog && dotnet run --project ../../sidecar/LocalSidecar --", "dotnet run --project sidecar/LocalSidecar -- run -f dapr.yaml", "redis-server ", "dapr publish "];

    [Fact]
    public async Task Every_command_the_README_shows_works_as_written()
    {
        var ports = ReadmePorts();
        string? lastOrderId = null;
        var ran = 0;
        foreach (var (section, command) in ReadmeCommands())
        {
            if (ElsewhereSections.Contains(section) || CoveredElsewhere.Any(command.StartsWith))
            {
                continue;
            }

            if (command.StartsWith("curl ", StringComparison.Ordinal))
            {
                var runnable = LocalPort().Replace(command, m => ports.TryGetValue(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), out var endpoint)
                    ? $"{endpoint.Host}:{endpoint.Port}"
                    : throw new InvalidOperationException($"README section '{section}': {command} names port {m.Groups[1].Value}, which dapr.yaml does not give"));
                if (runnable.Contains("ord-…", StringComparison.Ordinal))
                {
                    Assert.True(lastOrderId is not null, $"README section '{section}': {command} needs an order placed by a command before it");
                    runnable = runnable.Replace("ord-…", lastOrderId, StringComparison.Ordinal);
                }

                // The status is written last, on a line of its own; a comment ending in ": <status>" says what the README expects.
                var output = await RunAsync(runnable.Replace("curl ", "curl -sS -w '\\n%{http_code}' ", StringComparison.Ordinal), section, command);
                var status = output[(output.TrimEnd().LastIndexOf('\n') + 1)..].Trim();
                var body = output[..^status.Length].Trim();
                if (ExpectedStatus().Match(command) is { Success: true } expected)
                {
                    Assert.True(expected.Groups[1].Value == status, $"README section '{section}': {command} answered {status}, not {expected.Groups[1].Value}: {body}");
                }
                else
                {
                    Assert.True(status.StartsWith('2'), $"README section '{section}': {command} answered {status}: {body}");
                }

                lastOrderId = OrderIdIn(body) ?? lastOrderId;
            }
            else if (command.StartsWith("dotnet run --project sidecar/LocalSidecar -- publish ", StringComparison.Ordinal))
            {
                var cli = Path.Combine(SystemFixture.RepositoryRoot, "sidecar", "LocalSidecar", "bin", SystemFixture.BuildConfiguration, "net10.0", "LocalSidecar.dll");
                await RunAsync(command.Replace("dotnet run --project sidecar/LocalSidecar --", $"dotnet {cli}", StringComparison.Ordinal), section, command);
            }
            else if (command.StartsWith("make ", StringComparison.Ordinal))
            {
                await RunAsync(string.Concat("make -n ", command.AsSpan("make ".Length)), section, command);
            }
            else
            {
                Assert.Fail($"README section '{section}' shows a command no test runs: {command}");
            }

            ran++;
        }

        Assert.True(ran >= 10, $"only {ran} README commands ran: did the README's code blocks change shape?");
        await RestoreCatalogAsync();
    }

    /// <summary>The README's commands: lines of its indented code blocks that start with a program name, with their
    /// continuation lines (a trailing backslash) joined, each with the heading of its section.</summary>
    private static IEnumerable<(string Section, string Command)> ReadmeCommands()
    {
        var section = "";
        string? pending = null;
        foreach (var line in File.ReadLines(Path.Combine(SystemFixture.RepositoryRoot, "README.md")))
        {
            if (pending is not null)
            {
                pending += " " + line.Trim();
            }
            else if (line.StartsWith('#'))
            {
                section = line.TrimStart('#').Trim();
                continue;
            }
            else if (line.StartsWith("    ", StringComparison.Ordinal) && CommandStart().IsMatch(line[4..]))
            {
                pending = line[4..].TrimEnd();
            }
            else
            {
                continue;
            }

            if (pending.EndsWith('\\'))
            {
                pending = pending[..^1].TrimEnd();
                continue;
            }

            yield return (section, pending);
            pending = null;
        }
    }

    /// <summary>dapr.yaml's fixed ports (the README's), each mapped to where that app or sidecar listens in this run.</summary>
    private Dictionary<int, Uri> ReadmePorts()
    {
        var result = new Dictionary<int, Uri>();
        string? appId = null;
        foreach (var line in File.ReadLines(Path.Combine(SystemFixture.RepositoryRoot, "dapr.yaml")))
        {
            if (RunFileField().Match(line) is not { Success: true } field)
            {
                continue;
            }

            var value = field.Groups["value"].Value;
            switch (field.Groups["key"].Value)
            {
                case "appID":
                    appId = value;
                    break;
                case "appPort":
                    result[int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)] = system.AppEndpoint(appId!);
                    break;
                case "daprHTTPPort":
                    result[int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)] = system.DaprEndpoint(appId!);
                    break;
            }
        }

        Assert.True(result.Count >= 10, "dapr.yaml gives fewer ports than the README uses");
        return result;
    }

    private async Task<string> RunAsync(string commandLine, string section, string asWritten)
    {
        var start = new ProcessStartInfo("bash", ["-c", commandLine])
        {
            WorkingDirectory = SystemFixture.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SIDECART_NAME_RESOLUTION_DIR"] = system.NameResolutionDirectory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var errors = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0,
            $"README section '{section}': `{asWritten}` failed (exit {process.ExitCode}) as `{commandLine}`:\n{await output}\n{await errors}\nrun log: {system.LogPath}");
        return await output;
    }

    private static string? OrderIdIn(string output)
    {
        try
        {
            using var json = JsonDocument.Parse(output);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("orderId", out var id) ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The README changes a product the other end-to-end tests know as catalog ships it: put it back.</summary>
    private async Task RestoreCatalogAsync()
    {
        using var products = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(SystemFixture.RepositoryRoot, "apps", "catalog", "data", "products.json"), Ct));
        var original = products.RootElement.EnumerateArray().First(p => p.GetProperty("sku").GetString() == "HEADLAMP-400");
        using var content = new StringContent(original.GetRawText(), System.Text.Encoding.UTF8, "application/json");
        using var response = await system.Catalog.PutAsync("/products/HEADLAMP-400", content, Ct);
        Assert.True(response.IsSuccessStatusCode, $"restoring HEADLAMP-400: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    [GeneratedRegex(@"^(curl|make|dotnet|cd|redis-server|dapr|docker|kubectl|helm|sed|mkdir|export|sentry|npm|python3|tye|git) ")]
    private static partial Regex CommandStart();

    [GeneratedRegex(@"#[^#']*:\s*(\d{3})\s*$")]
    private static partial Regex ExpectedStatus();

    [GeneratedRegex(@"localhost:(\d+)")]
    private static partial Regex LocalPort();

    [GeneratedRegex(@"^\s+-?\s*(?<key>appID|appPort|daprHTTPPort):\s*(?<value>\S+)\s*$")]
    private static partial Regex RunFileField();
}
