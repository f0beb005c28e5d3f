using System.Text.Json.Nodes;
using Dapr.Workflow;
using LocalSidecar.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sidecart.Testing;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>The app's side: a host with Dapr.Workflow's worker (AddDaprWorkflow) pointed at one sidecar, started once
/// the sidecar counts it among its connected workers.</summary>
public sealed class WorkflowWorker(IHost host) : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public DaprWorkflowClient Client => host.Services.GetRequiredService<DaprWorkflowClient>();

    public static async Task<WorkflowWorker> StartAsync(Sidecar sidecar, Action<WorkflowRuntimeOptions> register)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
        builder.Configuration["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
        builder.Configuration["DAPR_API_TOKEN"] = "";
        builder.Services.AddDaprWorkflow(register);
        var host = builder.Build();
        await host.StartAsync(Ct);
        var worker = new WorkflowWorker(host);
        using var http = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        await Eventually.UntilAsync(
            async () => JsonNode.Parse(await http.GetStringAsync("/v1.0/metadata", Ct))?["workflows"]?["connectedWorkers"]?.GetValue<int>() ?? 0,
            workers => workers >= 1, "the workflow worker connected", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        return worker;
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        host.Dispose();
    }
}
