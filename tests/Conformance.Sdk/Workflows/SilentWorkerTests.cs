using System.Net.Http.Json;
using System.Text.Json;
using Conformance.Sdk.Harness;
using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.DurableTask.Protobuf;
using Dapr.Workflow;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Conformance.Sdk.Workflows;

/// <summary>A worker that takes a workflow turn and never answers it must not hold the instance for ever: after the
/// sidecar's turn timeout the turn goes to another worker, and the silent worker's stream is left alone.</summary>
public sealed class SilentWorkerTests
{
    [Fact]
    public async Task A_turn_a_worker_never_answers_is_sent_to_another_worker_and_the_workflow_completes()
    {
        SdkSidecar.RequireInProcess();
        using var deadline = WorkflowApp.Deadline();
        await using var sidecar = await SdkSidecar.StartAsync("silent-worker", configure: o => o with { WorkflowTurnTimeout = TimeSpan.FromSeconds(1) });
        using var channel = GrpcChannel.ForAddress(sidecar.GrpcEndpoint);
        using var silent = new TaskHubSidecarService.TaskHubSidecarServiceClient(channel).GetWorkItems(new GetWorkItemsRequest(), cancellationToken: deadline.Token);
        using var http = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        var id = WorkflowApp.NewInstanceId("silent");

        using (var start = await http.PostAsync($"/v1.0/workflows/dapr/{nameof(ChainWorkflow)}/start?instanceID={id}", JsonContent.Create("quiet"), deadline.Token))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
        }

        Assert.True(await silent.ResponseStream.MoveNext(deadline.Token));
        Assert.Equal(id, silent.ResponseStream.Current.WorkflowRequest.InstanceId);

        var probe = new WorkflowProbe();
        await using var app = await HostedApp.StartAsync(0, builder =>
        {
            builder.Configuration["DAPR_GRPC_ENDPOINT"] = sidecar.GrpcEndpoint.ToString();
            builder.Configuration["DAPR_API_TOKEN"] = "";
            builder.Services.AddSingleton(probe);
            builder.Services.AddDaprWorkflow(options =>
            {
                options.RegisterWorkflow<ChainWorkflow>();
                options.RegisterActivity<ShoutActivity>();
                options.RegisterActivity<ExclaimActivity>();
            });
        }, _ => { });

        var done = await Poll.UntilAsync(() => http.GetFromJsonAsync<JsonElement>($"/v1.0/workflows/dapr/{id}", deadline.Token),
            body => body.GetProperty("runtimeStatus").GetString() is "COMPLETED" or "FAILED", "the workflow to finish on the other worker", WorkflowApp.Patience);
        Assert.Equal("COMPLETED", done.GetProperty("runtimeStatus").GetString());
        Assert.Equal("QUIET!", JsonSerializer.Deserialize<string>(done.GetProperty("properties").GetProperty("dapr.workflow.output").GetString()!));
        Assert.Single(probe.Runs(id, nameof(ShoutActivity)));
    }
}
