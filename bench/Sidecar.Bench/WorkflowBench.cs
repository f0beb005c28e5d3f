using System.Diagnostics;
using Dapr.Workflow;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sidecar.Bench;

/// <summary>A Dapr.Workflow workflow of three sequential activities, from start to completed, on a local sidecar with the
/// SQLite actor store, beside its baseline: the same three calls as plain service invocations through the sidecar to
/// an app, in the same run (interleaved at a fixed rate, then alternating rounds of throughput).</summary>
public static class WorkflowBench
{
    public const int Clients = 32;

    public static async Task<WorkflowResult> RunAsync(int perSecond, TimeSpan duration, int throughputWorkflows)
    {
        await using var app = await BenchApp.StartAsync("unused");
        await using var sidecars = new BenchSidecars(actorStateStore: true, sqlite: true);
        var sidecar = await sidecars.StartAsync("workflows", app.Port);
        await using var worker = await WorkflowWorker.StartAsync(sidecar.GrpcEndpoint);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = sidecar.HttpEndpoint };
        var client = worker.Client;

        async Task Workflow()
        {
            var id = await client.ScheduleNewWorkflowAsync(nameof(ThreeStepWorkflow), input: "x");
            var state = await client.WaitForWorkflowCompletionAsync(id, getInputsAndOutputs: true);
            if (state.RuntimeStatus != WorkflowRuntimeStatus.Completed || state.ReadOutputAs<string>() != "x123")
            {
                throw new InvalidOperationException($"workflow {id} ended {state.RuntimeStatus}");
            }
        }

        async Task ThreeInvocations()
        {
            for (var step = 0; step < 3; step++)
            {
                using var response = await http.PostAsync("/v1.0/invoke/workflows/method/echo", new StringContent("x"));
                response.EnsureSuccessStatusCode();
            }
        }

        // Long enough for tiered compilation to settle: with 3 s, a third of the measured window's CPU went to the JIT.
        await FixedRateLoad.RunAsync(2 * perSecond, TimeSpan.FromSeconds(20), Workflow, ThreeInvocations);
        var latency = await FixedRateLoad.RunAsync(2 * perSecond, duration, Workflow, ThreeInvocations);

        double workflowsPerSecond = 0, invocationsPerSecond = 0;
        for (var round = 0; round < 2; round++)
        {
            workflowsPerSecond += await ThroughputAsync(Workflow, throughputWorkflows / 2) / 2;
            invocationsPerSecond += await ThroughputAsync(ThreeInvocations, throughputWorkflows / 2) / 2;
        }

        return new WorkflowResult(perSecond, latency[0], latency[1], throughputWorkflows, workflowsPerSecond, invocationsPerSecond);
    }

    private static async Task<double> ThroughputAsync(Func<Task> run, int count)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (_, _) => await run());
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The workflow app: Dapr.Workflow's worker connected to the sidecar's gRPC port, and its client.</summary>
    private sealed class WorkflowWorker(IHost host) : IAsyncDisposable
    {
        public DaprWorkflowClient Client => host.Services.GetRequiredService<DaprWorkflowClient>();

        public static async Task<WorkflowWorker> StartAsync(Uri grpcEndpoint)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Configuration["DAPR_GRPC_ENDPOINT"] = grpcEndpoint.ToString();
            builder.Services.AddDaprWorkflow(options =>
            {
                options.RegisterWorkflow<ThreeStepWorkflow>();
                options.RegisterActivity<StepActivity>();
            });
            var host = builder.Build();
            await host.StartAsync();
            return new WorkflowWorker(host);
        }

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}

public sealed class ThreeStepWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var value = input;
        for (var step = 1; step <= 3; step++)
        {
            value = await context.CallActivityAsync<string>(nameof(StepActivity), $"{value}{step}");
        }

        return value;
    }
}

public sealed class StepActivity : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input) => Task.FromResult(input);
}

public sealed record WorkflowResult(int PerSecond, Percentiles Workflow, Percentiles ThreeInvocations, int ThroughputWorkflows, double WorkflowsPerSecond, double InvocationRoundsPerSecond);
