using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Workflow;
using LocalSidecar.Hosting;
using LocalSidecar.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sidecart.Testing;
using Sidecart.Testing.Telemetry;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>daprd's secret, actor, workflow and resiliency families on a sidecar's <c>/metrics</c>, read with a
/// Prometheus text parser and checked against the calls the test made.</summary>
public sealed class BuildingBlockMetricsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Secret_gets_are_counted_by_operation_and_outcome_and_no_secret_value_is_logged()
    {
        const string secret = "s3cr3t-Value-42";
        var logs = new StringWriter();
        await using var system = System(o => o with
        {
            EnableApiLogging = true,
            LoggerFactory = SidecarLogging.CreateLoggerFactory(o.AppId, LogLevel.Debug, json: true, logs),
        });
        Directory.CreateDirectory(system.ResourcesPath);
        var secretsFile = Path.Combine(system.Root, "secrets.json");
        await File.WriteAllTextAsync(secretsFile, $$"""{"db-password": "{{secret}}", "api-key": "{{secret}}-2"}""", Ct);
        await File.WriteAllTextAsync(Path.Combine(system.ResourcesPath, "vault.yaml"), $$"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: vault}
            spec:
              type: secretstores.local.file
              version: v1
              metadata:
              - {name: secretsFile, value: "{{secretsFile}}"}
            """, Ct);
        var sidecar = await system.StartAsync("keeper", null);
        using var http = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        for (var i = 0; i < 2; i++)
        {
            using var found = await http.GetAsync("/v1.0/secrets/vault/db-password", Ct);
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        }

        using (var missing = await http.GetAsync("/v1.0/secrets/vault/no-such-key", Ct))
        {
            Assert.False(missing.IsSuccessStatusCode);
        }

        using (var bulk = await http.GetAsync("/v1.0/secrets/vault/bulk", Ct))
        {
            Assert.Contains(secret, await bulk.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        var metrics = await MetricsAsync(sidecar);
        Assert.Equal(2, metrics.Value("dapr_component_secret_count", ("app_id", "keeper"), ("component", "vault"), ("namespace", ""), ("operation", "get"), ("success", "true")));
        Assert.Equal(1, metrics.Value("dapr_component_secret_count", ("operation", "get"), ("success", "false")));
        Assert.Equal(1, metrics.Value("dapr_component_secret_count", ("operation", "bulk_get"), ("success", "true")));
        Assert.Equal("counter", metrics.Types["dapr_component_secret_count"]);
        Assert.Equal("histogram", metrics.Types["dapr_component_secret_latencies"]);
        Assert.Equal(1, metrics.Value("dapr_runtime_component_init_total", ("app_id", "keeper"), ("component", "secretstores.local.file")));

        var lines = logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => JsonDocument.Parse(l).RootElement.TryGetProperty("method", out var method) && method.GetString() == "GET /v1.0/secrets/vault/db-password");
        Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Actor_turn_waits_reminders_timers_and_deactivations_are_counted()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new ConcurrentQueue<string>();
        await using var app = await ScriptedApp.StartAsync(async http =>
        {
            var path = http.Request.Path.Value!;
            if (path == "/dapr/config")
            {
                await http.Response.WriteAsJsonAsync(new { entities = new[] { "Counter" }, actorIdleTimeout = "10s" }, Ct);
                return;
            }

            calls.Enqueue($"{http.Request.Method} {path}");
            if (path.EndsWith("/method/slow", StringComparison.Ordinal))
            {
                await release.Task;
            }
        });
        await using var system = System();
        await system.WriteInMemoryComponentsAsync();
        var sidecar = await system.StartAsync("counters", app.Port);
        using var http = new HttpClient { BaseAddress = sidecar.HttpEndpoint, Timeout = Patience };
        await Eventually.UntilAsync(async () => JsonDocument.Parse(await http.GetStringAsync("/v1.0/metadata", Ct)).RootElement,
            m => m.GetProperty("actorRuntime") is var runtime && runtime.GetProperty("hostReady").GetBoolean() && runtime.GetProperty("runtimeStatus").GetString() == "RUNNING",
            "the actor host to be ready", Patience, Poll);

        // Two calls on one actor: the second waits for the first one's turn.
        var first = http.PutAsync("/v1.0/actors/Counter/a/method/slow", null, Ct);
        await Eventually.UntilAsync(() => Task.FromResult(calls.Count(c => c.EndsWith("/a/method/slow", StringComparison.Ordinal))), n => n == 1, "the first call to reach the app", Patience, Poll);
        var second = http.PutAsync("/v1.0/actors/Counter/a/method/slow", null, Ct);
        await Eventually.UntilAsync(() => PendingAsync(sidecar), n => n == 1, "the second call to wait for the actor's turn", Patience, Poll);
        release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second).StatusCode);
        Assert.Equal(0, await PendingAsync(sidecar));

        using (var reminder = await http.PostAsJsonAsync("/v1.0/actors/Counter/b/reminders/once", new { dueTime = "0s" }, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, reminder.StatusCode);
        }

        using (var timer = await http.PostAsJsonAsync("/v1.0/actors/Counter/c/timers/once", new { dueTime = "0s", callback = "tick" }, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, timer.StatusCode);
        }

        using (var hourly = await http.PostAsJsonAsync("/v1.0/actors/Counter/c/timers/hourly", new { dueTime = "1h", period = "1h", callback = "tick" }, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, hourly.StatusCode);
        }

        Assert.True((await MetricsAsync(sidecar)).Value("dapr_runtime_actor_timers", ("app_id", "counters"), ("actor_type", "Counter")) >= 1);
        (await http.DeleteAsync("/v1.0/actors/Counter/c/timers/hourly", Ct)).Dispose();

        var metrics = await Eventually.UntilAsync(() => MetricsAsync(sidecar),
            m => m.Value("dapr_runtime_actor_reminders_fired_total", ("actor_type", "Counter"), ("success", "true")) >= 1
                && m.Value("dapr_runtime_actor_timers_fired_total", ("actor_type", "Counter"), ("success", "true")) >= 1,
            "the reminder and the timer to fire", Patience, Poll);
        Assert.Equal(1, metrics.Value("dapr_runtime_actor_reminders_fired_total", ("app_id", "counters"), ("actor_type", "Counter"), ("success", "true")));
        Assert.Equal(1, metrics.Value("dapr_runtime_actor_timers_fired_total", ("app_id", "counters"), ("actor_type", "Counter"), ("success", "true")));
        Assert.Single(calls, c => c == "PUT /actors/Counter/b/method/remind/once");
        Assert.Single(calls, c => c == "PUT /actors/Counter/c/method/timer/once");
        Assert.Equal("gauge", metrics.Types["dapr_runtime_actor_pending_actor_calls"]);

        // Idle for 10s (long enough for the timer to fire first on a loaded machine), the three actors are deactivated in the app.
        metrics = await Eventually.UntilAsync(() => MetricsAsync(sidecar),
            m => m.Value("dapr_runtime_actor_deactivated_total", ("actor_type", "Counter")) >= 3, "the idle actors to be deactivated", Patience, Poll);
        Assert.Equal(3, metrics.Value("dapr_runtime_actor_deactivated_total", ("app_id", "counters"), ("actor_type", "Counter")));
        Assert.Equal(3, calls.Count(c => c.StartsWith("DELETE /actors/Counter/", StringComparison.Ordinal)));
        Assert.Equal(0, metrics.Value("dapr_runtime_actor_timers", ("actor_type", "Counter")));
    }

    [Fact]
    public async Task A_workflow_run_counts_its_operations_executions_and_activities()
    {
        await using var system = System();
        await system.WriteInMemoryComponentsAsync();
        var sidecar = await system.StartAsync("flows", null);
        await using (var worker = await WorkflowWorker.StartAsync(sidecar, options =>
        {
            options.RegisterWorkflow<ShoutTwiceWorkflow>();
            options.RegisterWorkflow<DoomedWorkflow>();
            options.RegisterActivity<ShoutActivity>();
            options.RegisterActivity<FailActivity>();
        }))
        {
            using var http = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
            Assert.Equal("\"HI!!\"", await RunAsync(http, nameof(ShoutTwiceWorkflow), "shout-1", "COMPLETED"));
            await RunAsync(http, nameof(DoomedWorkflow), "doomed-1", "FAILED");
            using (var raise = await http.PostAsJsonAsync("/v1.0/workflows/dapr/shout-1/raiseEvent/late", "x", Ct))
            {
                Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
            }

            using (var purge = await http.PostAsync("/v1.0/workflows/dapr/shout-1/purge", null, Ct))
            {
                Assert.Equal(HttpStatusCode.Accepted, purge.StatusCode);
            }
        }

        var metrics = await MetricsAsync(sidecar);
        (string, string)[] app = [("app_id", "flows"), ("namespace", "")];
        Assert.Equal(2, metrics.Value("dapr_runtime_workflow_operation_count", [.. app, ("operation", "create_workflow"), ("status", "success")]));
        Assert.Equal(1, metrics.Value("dapr_runtime_workflow_operation_count", [.. app, ("operation", "add_event"), ("status", "success")]));
        Assert.Equal(1, metrics.Value("dapr_runtime_workflow_operation_count", [.. app, ("operation", "purge_workflow"), ("status", "success")]));
        Assert.Equal(1, metrics.Value("dapr_runtime_workflow_execution_count", [.. app, ("workflow_name", nameof(ShoutTwiceWorkflow)), ("status", "success")]));
        Assert.Equal(1, metrics.Value("dapr_runtime_workflow_execution_count", [.. app, ("workflow_name", nameof(DoomedWorkflow)), ("status", "failed")]));
        Assert.Equal(1, metrics.Value("dapr_runtime_workflow_execution_latency_count", [.. app, ("workflow_name", nameof(ShoutTwiceWorkflow)), ("status", "success")]));
        Assert.Equal(2, metrics.Value("dapr_runtime_workflow_activity_operation_count", [.. app, ("activity_name", nameof(ShoutActivity)), ("status", "success")]));
        Assert.Equal(2, metrics.Value("dapr_runtime_workflow_activity_execution_count", [.. app, ("activity_name", nameof(ShoutActivity)), ("status", "success")]));
        Assert.Equal(1, metrics.Value("dapr_runtime_workflow_activity_execution_count", [.. app, ("activity_name", nameof(FailActivity)), ("status", "failed")]));
        Assert.Equal("histogram", metrics.Types["dapr_runtime_workflow_activity_execution_latency"]);
    }

    [Fact]
    public async Task A_retry_policy_is_counted_once_per_call_and_activated_once_per_retry()
    {
        var received = 0;
        await using var callee = await ScriptedApp.StartAsync(http =>
        {
            if (http.Request.Path.StartsWithSegments("/flaky"))
            {
                Interlocked.Increment(ref received);
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }

            return Task.CompletedTask;
        });
        await using var system = System();
        await system.WriteInMemoryComponentsAsync();
        await File.WriteAllTextAsync(Path.Combine(system.ResourcesPath, "resiliency.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata: {name: shop-resiliency}
            spec:
              policies:
                timeouts:
                  generous: 60s
                retries:
                  twice: {policy: constant, duration: 10ms, maxRetries: 2}
              targets:
                apps:
                  callee: {timeout: generous, retry: twice}
            """, Ct);
        var caller = await system.StartAsync("caller", null);
        await system.StartAsync("callee", callee.Port);
        using var http = new HttpClient { BaseAddress = caller.HttpEndpoint };
        for (var i = 0; i < 2; i++)
        {
            using var response = await http.PostAsync("/v1.0/invoke/callee/method/flaky", null, Ct);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        Assert.Equal(6, received);
        var metrics = await MetricsAsync(caller);
        (string, string)[] policy = [("app_id", "caller"), ("name", "shop-resiliency"), ("namespace", ""), ("flow_direction", "outbound"), ("target", "app_callee"), ("status", "")];
        Assert.Equal(1, metrics.Value("dapr_resiliency_loaded", ("app_id", "caller"), ("name", "shop-resiliency"), ("namespace", "")));
        Assert.Equal(2, metrics.Value("dapr_resiliency_count", [.. policy, ("policy", "retry")]));
        Assert.Equal(2, metrics.Value("dapr_resiliency_count", [.. policy, ("policy", "timeout")]));
        Assert.Equal(4, metrics.Value("dapr_resiliency_activations_total", [.. policy, ("policy", "retry")]));
        Assert.Equal(0, metrics.Value("dapr_resiliency_activations_total", [.. policy, ("policy", "timeout")]));
    }

    [Fact]
    public async Task A_circuit_breaker_is_counted_with_its_state_and_its_opening_is_an_activation()
    {
        var received = 0;
        await using var callee = await ScriptedApp.StartAsync(http =>
        {
            if (http.Request.Path.StartsWithSegments("/fragile"))
            {
                Interlocked.Increment(ref received);
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }

            return Task.CompletedTask;
        });
        await using var system = System();
        await system.WriteInMemoryComponentsAsync();
        await File.WriteAllTextAsync(Path.Combine(system.ResourcesPath, "resiliency.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata: {name: breakers}
            spec:
              policies:
                circuitBreakers:
                  fragile: {maxRequests: 1, timeout: 1h, trip: "consecutiveFailures >= 2"}
              targets:
                apps:
                  callee: {circuitBreaker: fragile}
            """, Ct);
        var caller = await system.StartAsync("caller", null);
        await system.StartAsync("callee", callee.Port);
        using var http = new HttpClient { BaseAddress = caller.HttpEndpoint };
        for (var i = 0; i < 2; i++)
        {
            using var failed = await http.PostAsync("/v1.0/invoke/callee/method/fragile", null, Ct);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        using (var refused = await http.PostAsync("/v1.0/invoke/callee/method/fragile", null, Ct))
        {
            Assert.Contains("circuit breaker is open", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        Assert.Equal(2, received);
        var metrics = await MetricsAsync(caller);
        (string, string)[] breaker = [("app_id", "caller"), ("name", "breakers"), ("namespace", ""), ("flow_direction", "outbound"), ("target", "app_callee"), ("policy", "circuitbreaker")];
        Assert.Equal(2, metrics.Value("dapr_resiliency_count", [.. breaker, ("status", "closed")]));
        Assert.Equal(1, metrics.Value("dapr_resiliency_count", [.. breaker, ("status", "open")]));
        Assert.Equal(1, metrics.Value("dapr_resiliency_activations_total", [.. breaker, ("status", "open")]));
        Assert.Equal(1, metrics.Value("dapr_resiliency_cb_state", [.. breaker, ("status", "open")]));
        Assert.Equal(0, metrics.Value("dapr_resiliency_cb_state", [.. breaker, ("status", "closed")]));
        Assert.Equal("gauge", metrics.Types["dapr_resiliency_cb_state"]);
    }

    private static async Task<string?> RunAsync(HttpClient http, string workflow, string id, string expectedStatus)
    {
        using (var start = await http.PostAsJsonAsync($"/v1.0/workflows/dapr/{workflow}/start?instanceID={id}", "hi", Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        var done = await Eventually.UntilAsync(async () => JsonDocument.Parse(await http.GetStringAsync($"/v1.0/workflows/dapr/{id}", Ct)).RootElement,
            body => body.GetProperty("runtimeStatus").GetString() is "COMPLETED" or "FAILED" or "TERMINATED", $"workflow {id} to finish", Patience, Poll);
        Assert.Equal(expectedStatus, done.GetProperty("runtimeStatus").GetString());
        return done.GetProperty("properties").TryGetProperty("dapr.workflow.output", out var output) ? output.GetString() : null;
    }

    private static async Task<double> PendingAsync(Sidecar sidecar) =>
        (await MetricsAsync(sidecar)).Value("dapr_runtime_actor_pending_actor_calls", ("app_id", "counters"), ("actor_type", "Counter"));

    private static async Task<PrometheusText> MetricsAsync(Sidecar sidecar)
    {
        using var http = new HttpClient();
        return PrometheusText.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{sidecar.MetricsPort}/metrics"), Ct));
    }

    private static LocalSidecars System(Func<SidecarOptions, SidecarOptions>? configure = null) =>
        new("sidecart-bb-metrics", o => (configure ?? (x => x))(o with { MetricsPort = 0 }));

    private sealed class ShoutTwiceWorkflow : Workflow<string, string>
    {
        public override async Task<string> RunAsync(WorkflowContext context, string input)
        {
            var once = await context.CallActivityAsync<string>(nameof(ShoutActivity), input);
            return await context.CallActivityAsync<string>(nameof(ShoutActivity), once);
        }
    }

    private sealed class DoomedWorkflow : Workflow<string, string>
    {
        public override Task<string> RunAsync(WorkflowContext context, string input) => context.CallActivityAsync<string>(nameof(FailActivity), input);
    }

    private sealed class ShoutActivity : WorkflowActivity<string, string>
    {
        public override Task<string> RunAsync(WorkflowActivityContext context, string input) =>
            Task.FromResult(input.ToUpperInvariant() + "!");
    }

    private sealed class FailActivity : WorkflowActivity<string, string>
    {
        public override Task<string> RunAsync(WorkflowActivityContext context, string input) => throw new InvalidOperationException("doomed");
    }
}
