using System.Net.Http.Json;
using System.Text.Json;
using Sidecart.Testing;

namespace LocalSidecar.Tests.Workflows;

/// <summary>Workflows survive SIGKILL: of the app and its sidecar (a workflow waiting at once on a durable timer, an
/// external event and a running activity is resumed from the actor store, SQLite or Redis, when the runner is started
/// again; on Redis the redis-server is killed too and restarted from its append-only file), and
/// of one of two replicas of the app (its work goes to the other). The app is <c>tests/apps/WorkflowTestApp</c>
/// (Dapr.Workflow), real processes under the real runner CLI.</summary>
public sealed class WorkflowDurabilityTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("redis")]
    public async Task A_workflow_killed_with_its_app_and_sidecar_completes_after_a_restart_without_rerunning_finished_activities(string store)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGKILL of a process tree");
        if (store == "redis")
        {
            RedisServer.Require();
        }

        await using var redis = store == "redis" ? await RedisServer.StartAsync(appendOnly: true) : null;
        string[] run = WriteSystem(redis);

        const string id = "durable-1";
        using (var first = RunnerProcess.Start(run))
        {
            using var dapr = await ConnectedAsync(first);
            using var start = await dapr.PostAsync("/v1.0/workflows/dapr/WaitForEverythingWorkflow/start?instanceID=" + id, JsonContent.Create("go"), TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
            await Eventually.UntilAsync(() => Task.FromResult(JournalLines(Journal)), lines => lines.Any(l => l.StartsWith("slow-start", StringComparison.Ordinal)),
                "the slow activity to start", Patience, TimeSpan.FromMilliseconds(50));
            await first.KillAsync();
        }

        if (redis is not null)
        {
            await redis.RestartAsync();
        }

        Assert.Single(JournalLines(Journal), l => l.StartsWith("quick go-first ", StringComparison.Ordinal));
        using (var second = RunnerProcess.Start(run))
        {
            using var dapr = await ConnectedAsync(second);
            using var raised = await dapr.PostAsync($"/v1.0/workflows/dapr/{id}/raiseEvent/approval", JsonContent.Create("yes"), TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, raised.StatusCode);
            await File.WriteAllTextAsync(Journal + ".release", "", TestContext.Current.CancellationToken);

            var done = await Eventually.UntilAsync(() => dapr.GetFromJsonAsync<JsonElement>($"/v1.0/workflows/dapr/{id}"),
                body => body.GetProperty("runtimeStatus").GetString() is "COMPLETED" or "FAILED" or "TERMINATED",
                "the workflow to finish", Patience, TimeSpan.FromMilliseconds(100));
            Assert.Equal("COMPLETED", done.GetProperty("runtimeStatus").GetString());
            Assert.Equal("\"GO-FIRST|yes|GO-SLOW|GO-LAST\"", done.GetProperty("properties").GetProperty("dapr.workflow.output").GetString());
        }

        var runs = JournalLines(Journal);
        Assert.Single(runs, l => l.StartsWith("quick go-first ", StringComparison.Ordinal));
        Assert.Single(runs, l => l.StartsWith("quick go-last ", StringComparison.Ordinal));
        // The slow activity was running when killed: it runs again (at least once, as in daprd), and only that run ends.
        Assert.Equal(2, runs.Count(l => l.StartsWith("slow-start go-slow", StringComparison.Ordinal)));
        Assert.Single(runs, l => l == "slow-end go-slow");
    }

    /// <summary>As daprd loads a workflow only when a reminder or a caller asks for it, a restart resumes only the
    /// unfinished instances: the log names how many it read, and the finished ones still answer from the store.</summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("redis")]
    public async Task A_restart_resumes_only_the_unfinished_workflows_and_the_finished_ones_are_still_read_and_purged_from_the_store(string store)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGKILL of a process tree");
        if (store == "redis")
        {
            RedisServer.Require();
        }

        var ct = TestContext.Current.CancellationToken;
        await using var redis = store == "redis" ? await RedisServer.StartAsync(appendOnly: true) : null;
        string[] run = WriteSystem(redis);
        var finished = Enumerable.Range(1, 30).Select(i => $"finished-{i}").ToList();
        string[] running = ["running-1", "running-2"];
        using (var first = RunnerProcess.Start(run))
        {
            using var dapr = await ConnectedAsync(first);
            foreach (var id in finished.Concat(running))
            {
                using var start = await dapr.PostAsync($"/v1.0/workflows/dapr/WaitForEverythingWorkflow/start?instanceID={id}", JsonContent.Create(id), ct);
                Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
            }

            foreach (var id in finished)
            {
                using var terminate = await dapr.PostAsync($"/v1.0/workflows/dapr/{id}/terminate", null, ct);
                Assert.Equal(System.Net.HttpStatusCode.Accepted, terminate.StatusCode);
                await WaitStatusAsync(dapr, id, "TERMINATED");
            }

            await Eventually.UntilAsync(() => Task.FromResult(JournalLines(Journal)),
                lines => running.All(id => lines.Any(l => l.StartsWith($"slow-start {id}-slow ", StringComparison.Ordinal))),
                "the running workflows' slow activities to start", Patience, TimeSpan.FromMilliseconds(50));
            await first.KillAsync();
        }

        if (redis is not null)
        {
            await redis.RestartAsync();
        }

        using (var second = RunnerProcess.Start(run))
        {
            using var dapr = await ConnectedAsync(second);
            var resumed = await second.Output.WaitForAsync(l => l.Contains("unfinished workflow instances after reading", StringComparison.Ordinal), Patience);
            Assert.Equal((Resumed: 2, Read: 2), ResumedAndRead(resumed));

            foreach (var id in finished.Skip(1))
            {
                using var get = await dapr.GetAsync($"/v1.0/workflows/dapr/{id}", ct);
                Assert.Equal(System.Net.HttpStatusCode.OK, get.StatusCode);
                Assert.Equal("TERMINATED", (await get.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("runtimeStatus").GetString());
            }

            using (var purge = await dapr.PostAsync($"/v1.0/workflows/dapr/{finished[0]}/purge", null, ct))
            {
                Assert.Equal(System.Net.HttpStatusCode.Accepted, purge.StatusCode);
            }

            using (var purged = await dapr.GetAsync($"/v1.0/workflows/dapr/{finished[0]}", ct))
            {
                Assert.Equal(System.Net.HttpStatusCode.NotFound, purged.StatusCode);
            }

            foreach (var id in running)
            {
                using var raised = await dapr.PostAsync($"/v1.0/workflows/dapr/{id}/raiseEvent/approval", JsonContent.Create("yes"), ct);
                Assert.Equal(System.Net.HttpStatusCode.Accepted, raised.StatusCode);
            }

            await File.WriteAllTextAsync(Journal + ".release", "", ct);
            foreach (var id in running)
            {
                var done = await WaitStatusAsync(dapr, id, "COMPLETED");
                var upper = id.ToUpperInvariant();
                Assert.Equal($"\"{upper}-FIRST|yes|{upper}-SLOW|{upper}-LAST\"", done.GetProperty("properties").GetProperty("dapr.workflow.output").GetString());
            }
        }
    }

    /// <summary>A store written before the unfinished markers existed (or by a daprd) has none: the first start reads
    /// every instance once and marks the unfinished ones, the next reads only those.</summary>
    [Fact]
    public async Task A_store_without_unfinished_markers_is_read_in_full_once_then_only_the_unfinished_workflows()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGKILL of a process tree");
        var ct = TestContext.Current.CancellationToken;
        string[] run = WriteSystem();
        string[] finished = ["old-finished-1", "old-finished-2", "old-finished-3"];
        using (var first = RunnerProcess.Start(run))
        {
            using var dapr = await ConnectedAsync(first);
            foreach (var id in finished.Append("old-running"))
            {
                using var start = await dapr.PostAsync($"/v1.0/workflows/dapr/WaitForEverythingWorkflow/start?instanceID={id}", JsonContent.Create(id), ct);
                Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
            }

            foreach (var id in finished)
            {
                using var terminate = await dapr.PostAsync($"/v1.0/workflows/dapr/{id}/terminate", null, ct);
                Assert.Equal(System.Net.HttpStatusCode.Accepted, terminate.StatusCode);
                await WaitStatusAsync(dapr, id, "TERMINATED");
            }

            await Eventually.UntilAsync(() => Task.FromResult(JournalLines(Journal)), lines => lines.Any(l => l.StartsWith("slow-start old-running-slow ", StringComparison.Ordinal)),
                "the running workflow's slow activity to start", Patience, TimeSpan.FromMilliseconds(50));
            await first.KillAsync();
        }

        Assert.Equal(2, await SqliteAsync("DELETE FROM state WHERE key LIKE '%.workflow.active%'"));

        await RestartAndExpectAsync(run, read: 4, resumed: 1);
        await RestartAndExpectAsync(run, read: 1, resumed: 1);

        // Gone without its marker (a daprd purged it; it knows nothing of markers): the stale marker is read once, then cleared.
        Assert.True(await SqliteAsync("DELETE FROM state WHERE key LIKE 'wf||%||old-running||%'") > 0);
        await RestartAndExpectAsync(run, read: 1, resumed: 0);
        await RestartAndExpectAsync(run, read: 0, resumed: 0);
    }

    /// <summary>The counts of the engine's line "... resumed N unfinished workflow instances after reading M ...".</summary>
    private static (int Resumed, int Read) ResumedAndRead(string line)
    {
        var match = System.Text.RegularExpressions.Regex.Match(line, @"resumed (\d+) unfinished workflow instances after reading (\d+)");
        Assert.True(match.Success, $"not the engine's resume line: {line}");
        return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task RestartAndExpectAsync(string[] run, int read, int resumed)
    {
        using var runner = RunnerProcess.Start(run);
        using var dapr = await ConnectedAsync(runner);
        var line = await runner.Output.WaitForAsync(l => l.Contains("unfinished workflow instances after reading", StringComparison.Ordinal), Patience);
        Assert.Equal((Resumed: resumed, Read: read), ResumedAndRead(line));
        Assert.Equal("TERMINATED", (await dapr.GetFromJsonAsync<JsonElement>("/v1.0/workflows/dapr/old-finished-1", TestContext.Current.CancellationToken))
            .GetProperty("runtimeStatus").GetString());
        await runner.KillAsync();
    }

    private async Task<int> SqliteAsync(string sql)
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_folder.Path, "workflows.db")};Pooling=false");
        await db.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private static Task<JsonElement> WaitStatusAsync(HttpClient dapr, string id, string status) =>
        Eventually.UntilAsync(() => dapr.GetFromJsonAsync<JsonElement>($"/v1.0/workflows/dapr/{id}"),
            body => body.GetProperty("runtimeStatus").GetString() == status, $"workflow {id} to be {status}", Patience, TimeSpan.FromMilliseconds(100));

    [Fact]
    public async Task Two_replicas_of_the_app_share_the_work_and_a_killed_worker_loses_nothing()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "SIGKILL of a process");
        using var runner = RunnerProcess.Start([.. WriteSystem(), "--replicas", "wf=2"]);
        using var first = await ConnectedAsync(runner, "wf#1");
        using var second = await ConnectedAsync(runner, "wf#2");
        var ids = Enumerable.Range(1, 6).Select(i => $"shared-{i}").ToList();
        foreach (var (id, index) in ids.Select((id, index) => (id, index)))
        {
            using var start = await (index % 2 == 0 ? first : second).PostAsync(
                $"/v1.0/workflows/dapr/WaitForEverythingWorkflow/start?instanceID={id}", JsonContent.Create(id), TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
        }

        var started = await Eventually.UntilAsync(() => Task.FromResult(JournalLines(Journal)),
            lines => ids.All(id => lines.Any(l => l.StartsWith($"slow-start {id}-slow ", StringComparison.Ordinal))),
            "every slow activity to start", Patience, TimeSpan.FromMilliseconds(50));
        var workers = started.Select(Pid).Distinct().ToList();
        Assert.Equal(2, workers.Count);

        // One worker dies in the middle of its slow activities: they go to the other worker.
        var victim = Pid(started.First(l => l.StartsWith("slow-start", StringComparison.Ordinal)));
        using (var process = System.Diagnostics.Process.GetProcessById(victim))
        {
            process.Kill();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        foreach (var id in ids)
        {
            using var raised = await second.PostAsync($"/v1.0/workflows/dapr/{id}/raiseEvent/approval", JsonContent.Create("yes"), TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, raised.StatusCode);
        }

        await File.WriteAllTextAsync(Journal + ".release", "", TestContext.Current.CancellationToken);
        foreach (var id in ids)
        {
            var done = await Eventually.UntilAsync(() => first.GetFromJsonAsync<JsonElement>($"/v1.0/workflows/dapr/{id}"),
                body => body.GetProperty("runtimeStatus").GetString() is "COMPLETED" or "FAILED" or "TERMINATED",
                $"workflow {id} to finish", Patience, TimeSpan.FromMilliseconds(100));
            var upper = id.ToUpperInvariant();
            Assert.Equal($"\"{upper}-FIRST|yes|{upper}-SLOW|{upper}-LAST\"", done.GetProperty("properties").GetProperty("dapr.workflow.output").GetString());
        }

        var runs = JournalLines(Journal);
        foreach (var id in ids)
        {
            Assert.Single(runs, l => l.StartsWith($"quick {id}-first ", StringComparison.Ordinal));
            Assert.Single(runs, l => l.StartsWith($"quick {id}-last ", StringComparison.Ordinal));
            Assert.Single(runs, l => l == $"slow-end {id}-slow");
        }

        Assert.DoesNotContain(runs.Where(l => l.StartsWith("quick", StringComparison.Ordinal) && l.Contains("-last ", StringComparison.Ordinal)), l => Pid(l) == victim);
    }

    /// <summary>With the state-write fault switch on, a third of the engine's commits fail (a start, a raised event, an
    /// activity's result, a turn): each caller hears the error, and the engine re-arms the instance from what the store
    /// has, so every workflow still completes, each activity's result recorded once.</summary>
    [Fact]
    public async Task Workflows_complete_when_a_share_of_their_commits_fail()
    {
        using var runner = RunnerProcess.Start(WriteSystem(stateWriteFailures: 0.3));
        using var dapr = await ConnectedAsync(runner);
        var ids = Enumerable.Range(1, 4).Select(i => $"flaky-{i}").ToList();
        async Task UntilAcceptedAsync(string path, string body) => await Eventually.UntilAsync(async () =>
            {
                using var response = await dapr.PostAsync(path, JsonContent.Create(body), TestContext.Current.CancellationToken);
                return response.StatusCode;
            }, status => status == System.Net.HttpStatusCode.Accepted, $"{path} to be accepted", Patience, TimeSpan.FromMilliseconds(50));

        foreach (var id in ids)
        {
            await UntilAcceptedAsync($"/v1.0/workflows/dapr/WaitForEverythingWorkflow/start?instanceID={id}", id);
        }

        await Eventually.UntilAsync(() => Task.FromResult(JournalLines(Journal)),
            lines => ids.All(id => lines.Any(l => l.StartsWith($"slow-start {id}-slow ", StringComparison.Ordinal))),
            "every slow activity to start", Patience, TimeSpan.FromMilliseconds(50));
        foreach (var id in ids)
        {
            await UntilAcceptedAsync($"/v1.0/workflows/dapr/{id}/raiseEvent/approval", "yes");
        }

        await File.WriteAllTextAsync(Journal + ".release", "", TestContext.Current.CancellationToken);
        foreach (var id in ids)
        {
            var done = await Eventually.UntilAsync(() => dapr.GetFromJsonAsync<JsonElement>($"/v1.0/workflows/dapr/{id}"),
                body => body.GetProperty("runtimeStatus").GetString() is "COMPLETED" or "FAILED" or "TERMINATED",
                $"workflow {id} to finish", Patience, TimeSpan.FromMilliseconds(100));
            var upper = id.ToUpperInvariant();
            Assert.Equal($"\"{upper}-FIRST|yes|{upper}-SLOW|{upper}-LAST\"", done.GetProperty("properties").GetProperty("dapr.workflow.output").GetString());
        }

        Assert.Contains(runner.Output.Lines, l => l.Contains("fault injected: state", StringComparison.Ordinal));
    }

    private string Journal => Path.Combine(_folder.Path, "journal.txt");

    /// <summary>The runner's arguments for the workflow app on a SQLite actor store (or on <paramref name="redis"/>),
    /// written into the test's folder.</summary>
    private string[] WriteSystem(RedisServer? redis = null, double stateWriteFailures = 0)
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "wf"));
        _folder.Write(Path.Combine("components", "statestore.yaml"), redis is not null ? redis.ActorStateStoreComponent() : $"""
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
                  WORKFLOW_JOURNAL: "{Journal}"
                  {LocalSidecar.Hosting.FaultSwitches.StateWriteFailuresVariable}: "{stateWriteFailures.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            """);
        return ["run", "-f", runFile, "--resources-path", Path.Combine(_folder.Path, "components")];
    }

    private static int Pid(string journalLine) =>
        int.Parse(journalLine[(journalLine.LastIndexOf(" pid ", StringComparison.Ordinal) + 5)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A sidecar API of the runner once the workflow worker of that app instance has connected to it.</summary>
    private static async Task<HttpClient> ConnectedAsync(RunnerProcess runner, string appName = "wf")
    {
        var dapr = new HttpClient { BaseAddress = await runner.WaitForDaprHttpApiAsync(appName, Patience) };
        await Eventually.UntilAsync(() => dapr.GetFromJsonAsync<JsonElement>("/v1.0/metadata"),
            m => m.TryGetProperty("workflows", out var w) && w.GetProperty("connectedWorkers").GetInt32() > 0,
            "the app's workflow worker to connect", Patience, TimeSpan.FromMilliseconds(100));
        return dapr;
    }

    /// <summary>The lines every app process wrote (each writes <c>&lt;journal&gt;.&lt;pid&gt;</c>).</summary>
    private static List<string> JournalLines(string journal) =>
        Directory.GetFiles(Path.GetDirectoryName(journal)!, Path.GetFileName(journal) + ".*")
            .Where(f => !f.EndsWith(".release", StringComparison.Ordinal))
            .SelectMany(File.ReadAllLines)
            .ToList();
}
