using System.Text.Json.Nodes;
using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.Workflow;

namespace Conformance.Sdk.Workflows;

/// <summary><c>SetCustomStatus</c>: the status the workflow set in its last turn is readable while it runs, through
/// the SDK and as the HTTP API's <c>dapr.workflow.custom_status</c> property, and is replaced by later turns.</summary>
[Collection(WorkflowsCollection.Name)]
public sealed class CustomStatusTests(WorkflowApp workflows)
{
    [Fact]
    public async Task A_custom_status_set_before_an_await_is_visible_while_running_over_gRPC_and_HTTP_and_replaced_by_the_next_turn()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("custom-status");

        await workflows.StartAsync(nameof(CustomStatusWorkflow), id, "", deadline.Token);
        var running = await workflows.Client.WaitForWorkflowStartAsync(id, cancellation: deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Running, running.RuntimeStatus);
        Assert.Equal(CustomStatusWorkflow.Waiting, running.ReadCustomStatusAs<Progress>());
        using var http = workflows.CreateHttpClient();
        var body = JsonNode.Parse(await http.GetStringAsync($"/v1.0/workflows/dapr/{id}", deadline.Token))!.AsObject();
        Assert.Equal("RUNNING", body["runtimeStatus"]?.GetValue<string>());
        var customStatus = body["properties"]?["dapr.workflow.custom_status"]?.GetValue<string>();
        Assert.NotNull(customStatus);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"stage":"waiting for approval","step":1}"""), JsonNode.Parse(customStatus)),
            $"custom status over HTTP: {customStatus}");

        await workflows.Client.RaiseEventAsync(id, CustomStatusWorkflow.Approval, "granted", deadline.Token);
        var done = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("granted", done.ReadOutputAs<string>());
        Assert.Equal(CustomStatusWorkflow.Done, done.ReadCustomStatusAs<Progress>());
    }
}
