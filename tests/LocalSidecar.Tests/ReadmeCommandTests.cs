using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sidecart.Testing;

namespace LocalSidecar.Tests;

/// <summary>The README's standalone sidecar command as written, ports aside, in a copy of the repository's layout
/// (components/local and config/ only): the relative paths of components/local (the SQLite file, the secrets file)
/// must resolve from the folder the command starts in, as daprd resolves them.</summary>
public sealed partial class ReadmeCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_standalone_sidecar_command_runs_on_the_local_profile_from_where_it_cds()
    {
        var repository = SidecartSystem.RepositoryRoot;
        var command = File.ReadLines(Path.Combine(repository, "README.md"))
            .Select(line => StandaloneCommand().Match(line.Trim()))
            .FirstOrDefault(match => match.Success);
        Assert.True(command is not null, "README.md shows no `cd <app folder> && dotnet run --project <sidecar> -- <flags>` line");
        var (folder, project, flags) = (command.Groups["folder"].Value, command.Groups["project"].Value, command.Groups["flags"].Value);
        Assert.Equal(Path.Combine(repository, "sidecar", "LocalSidecar"), Path.GetFullPath(Path.Combine(repository, folder, project)));

        using var copy = new TempFolder();
        CopyFolder(Path.Combine(repository, "components", "local"), Path.Combine(copy.Path, "components", "local"));
        CopyFolder(Path.Combine(repository, "config"), Path.Combine(copy.Path, "config"));
        var workingDirectory = Directory.CreateDirectory(Path.Combine(copy.Path, folder)).FullName;
        var daprHttpPort = FreePort.Next();
        var arguments = WithFreePorts(flags.Split(' ', StringSplitOptions.RemoveEmptyEntries), daprHttpPort);

        using var sidecar = RunnerProcess.StartIn(workingDirectory, arguments);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{daprHttpPort}") };
        var up = await Eventually.UntilAsync(async () => sidecar.HasExited ? (bool?)false : await IsUpAsync(http) ? true : null,
            state => state is not null, "the sidecar's outbound health", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        Assert.True(up, $"the sidecar exited:{Environment.NewLine}{string.Join(Environment.NewLine, sidecar.Output.Lines)}");

        using var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(repository, "config", "secrets.json"), Ct));
        var (name, value) = secrets.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetString())).First();
        var secret = await http.GetFromJsonAsync<Dictionary<string, string>>($"/v1.0/secrets/secretstore/{name}", Ct);
        Assert.Equal(value, secret![name]);
        using var saved = await http.PostAsJsonAsync("/v1.0/state/statestore", new[] { new { key = "readme", value = "works" } }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        Assert.True(File.Exists(Path.Combine(copy.Path, ".data", "state.db")), "the SQLite file is not where components/local names it");
        Assert.Equal("works", await http.GetFromJsonAsync<string>("/v1.0/state/statestore/readme", Ct));
    }

    /// <summary>The command's flags with a free Dapr HTTP port, a free metrics port and a free gRPC port (daprd's default 50001 otherwise),
    /// so that the test never meets a sidecar of <c>make run</c>.</summary>
    private static string[] WithFreePorts(string[] flags, int daprHttpPort)
    {
        var arguments = flags.ToList();
        var at = arguments.IndexOf("--dapr-http-port");
        Assert.True(at >= 0 && at + 1 < arguments.Count, "the README's command gives no --dapr-http-port");
        arguments[at + 1] = daprHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var appPort = arguments.IndexOf("--app-port");
        if (appPort >= 0)
        {
            arguments[appPort + 1] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        arguments.AddRange(["--dapr-grpc-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        // daprd's metrics default is 9090, which anything on this machine may hold.
        arguments.AddRange(["--metrics-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return [.. arguments];
    }

    private static async Task<bool> IsUpAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/v1.0/healthz/outbound", Ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    [GeneratedRegex(@"^cd (?<folder>\S+) && dotnet run --project (?<project>\S+) -- (?<flags>--app-id .+)$")]
    private static partial Regex StandaloneCommand();
}
