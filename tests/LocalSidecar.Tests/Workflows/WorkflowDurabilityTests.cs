using System.Net.Http.Json;
using System.Text.Json;
using Sidecart.Testing;

namespace LocalSidecar.Tests.Workflows;

/// <summary>Workflows survive SIGKILL of the app and its sidecar: a workflow waiting at once on a durable timer, an
/// external event and a running activity is resumed from the SQLite actor store when the runner is started again.
/// The app is <c>tests/apps/WorkflowTestApp</c> (Dapr.Workflow), a real process under the real runner CLI.</summary>
public sealed class WorkflowDurabilityTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_workflow_killed_with_its_app_and_sidecar_completes_after_a_restart_without_rerunning_finished_activities()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGKILL of a process tree");
        var journal = Path.Combine(_folder.Path, "journal.txt");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "wf"));
        _folder.Write(Path.Combine("components", "statestore.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.sqlite
              version: v1
              metadata:
              - name: connectionString
                value: "{Path.Combine(_folder.Path, "workflows.db")}"
              - name: actorStateStore
                value: "true"
            """);
        var runFile = _folder.Write("dapr.yaml", $"""
            version: 1
            apps:
              - appID: wf
                appDirPath: wf
                command: ["dotnet", "{RunnerProcess.BuiltAssembly(Path.Combine("tests", "apps", "WorkflowTestApp"), "WorkflowTestApp")}"]
                env:
                  WORKFLOW_JOURNAL: "{journal}"
            """);
        string[] run = ["run", "-f", runFile, "--resources-path", Path.Combine(_folder.Path, "components")];

        const string id = "durable-1";
        using (var first = RunnerProcess.Start(run))
        {
            using var dapr = await ConnectedAsync(first);
            using var start = await dapr.PostAsync("/v1.0/workflows/dapr/WaitForEverythingWorkflow/start?instanceID=" + id, JsonContent.Create("go"), TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
            await Eventually.UntilAsync(() => Task.FromResult(JournalLines(journal)), lines => lines.Any(l => l.StartsWith("slow-start", StringComparison.Ordinal)),
                "the slow activity to start", Patience, TimeSpan.FromMilliseconds(50));
            await first.KillAsync();
        }

        Assert.Single(JournalLines(journal), l => l == "quick go-first");
        using (var second = RunnerProcess.Start(run))
        {
            using var dapr = await ConnectedAsync(second);
            using var raised = await dapr.PostAsync($"/v1.0/workflows/dapr/{id}/raiseEvent/approval", JsonContent.Create("yes"), TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, raised.StatusCode);
            await File.WriteAllTextAsync(journal + ".release", "", TestContext.Current.CancellationToken);

            var done = await Eventually.UntilAsync(() => dapr.GetFromJsonAsync<JsonElement>($"/v1.0/workflows/dapr/{id}"),
                body => body.GetProperty("runtimeStatus").GetString() is "COMPLETED" or "FAILED" or "TERMINATED",
                "the workflow to finish", Patience, TimeSpan.FromMilliseconds(100));
            Assert.Equal("COMPLETED", done.GetProperty("runtimeStatus").GetString());
            Assert.Equal("\"GO-FIRST|yes|GO-SLOW|GO-LAST\"", done.GetProperty("properties").GetProperty("dapr.workflow.output").GetString());
        }

        var runs = JournalLines(journal);
        Assert.Single(runs, l => l == "quick go-first");
        Assert.Single(runs, l => l == "quick go-last");
        // The slow activity was running when killed: it runs again (at least once, as in daprd), and only that run ends.
        Assert.Equal(2, runs.Count(l => l.StartsWith("slow-start go-slow", StringComparison.Ordinal)));
        Assert.Single(runs, l => l == "slow-end go-slow");
    }

    /// <summary>The runner's sidecar API once the app's workflow worker has connected to it.</summary>
    private static async Task<HttpClient> ConnectedAsync(RunnerProcess runner)
    {
        var dapr = new HttpClient { BaseAddress = await runner.WaitForDaprHttpApiAsync("wf", Patience) };
        await Eventually.UntilAsync(() => dapr.GetFromJsonAsync<JsonElement>("/v1.0/metadata"),
            m => m.TryGetProperty("workflows", out var w) && w.GetProperty("connectedWorkers").GetInt32() > 0,
            "the app's workflow worker to connect", Patience, TimeSpan.FromMilliseconds(100));
        return dapr;
    }

    private static List<string> JournalLines(string journal) =>
        File.Exists(journal) ? File.ReadAllLines(journal).ToList() : [];
}
