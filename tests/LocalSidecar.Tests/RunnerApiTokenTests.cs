using System.Net;
using System.Text.Json;
using Sidecart.Testing;

namespace LocalSidecar.Tests;

/// <summary><c>run --generate-api-tokens</c>, as <c>make run</c> starts the runner: each app and its sidecar get a
/// DAPR_API_TOKEN and an APP_API_TOKEN of their own for the run. A call without the token is refused (by the sidecar, and
/// by an app that checks its APP_API_TOKEN), the apps' own calls carry theirs and succeed, and no token is printed.</summary>
public sealed class RunnerApiTokenTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Every_app_gets_tokens_of_its_own_that_its_sidecar_and_it_enforce()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "alpha"));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "beta"));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "components"));
        var app = Path.Combine(AppContext.BaseDirectory, "testdata", "token_app.py");
        var (alphaPort, betaPort) = (FreePort.Next(), FreePort.Next());
        var runFile = _folder.Write("dapr.yaml", $"""
            version: 1
            apps:
              - appDirPath: alpha
                appPort: {alphaPort}
                command: ["python3", "-u", "{app}"]
                env:
                  PEER: beta
              - appDirPath: beta
                appPort: {betaPort}
                command: ["python3", "-u", "{app}"]
            """);
        using var runner = RunnerProcess.Start("run", "-f", runFile, "--resources-path", Path.Combine(_folder.Path, "components"), "--generate-api-tokens");
        var alphaSidecar = await runner.WaitForDaprHttpApiAsync("alpha", TimeSpan.FromSeconds(60));
        var alpha = await CheckAsync(runner, "alpha");
        var beta = await CheckAsync(runner, "beta");

        Assert.Equal(200, alpha.GetProperty("withToken").GetInt32());
        Assert.Equal(401, alpha.GetProperty("withoutToken").GetInt32());
        Assert.Equal(200, alpha.GetProperty("invokePeer").GetInt32());
        Assert.Equal(200, beta.GetProperty("withToken").GetInt32());
        var digests = new[] { alpha, beta }.SelectMany(c => new[] { c.GetProperty("daprToken").GetString(), c.GetProperty("appToken").GetString() }).ToList();
        Assert.DoesNotContain("none", digests);
        Assert.Equal(4, digests.Distinct().Count());

        using var client = new HttpClient { BaseAddress = alphaSidecar };
        using (var anonymous = await client.GetAsync("/v1.0/invoke/beta/method/hello", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("invalid api token", await anonymous.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        using (var direct = await client.GetAsync($"http://127.0.0.1:{betaPort}/hello", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
        }

        // No line of the run shows anything that looks like a token: 43 base64url characters.
        Assert.DoesNotContain(runner.Output.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, "[A-Za-z0-9_-]{43}"));
    }

    private static async Task<JsonElement> CheckAsync(RunnerProcess runner, string appId)
    {
        var prefix = $"== APP - {appId} == token-check ";
        var line = await runner.Output.WaitForAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        return JsonDocument.Parse(line[prefix.Length..]).RootElement.Clone();
    }
}
