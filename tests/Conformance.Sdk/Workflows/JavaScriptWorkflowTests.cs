using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Conformance.Sdk.Harness;
using Grpc.Core;
using Grpc.Net.Client;
using GetInstanceHistoryRequest = Dapr.DurableTask.Protobuf.GetInstanceHistoryRequest;
using HistoryEvent = Dapr.DurableTask.Protobuf.HistoryEvent;
using OrchestrationStatus = Dapr.DurableTask.Protobuf.OrchestrationStatus;
using TaskHubSidecarService = Dapr.DurableTask.Protobuf.TaskHubSidecarService;

namespace Conformance.Sdk.Workflows;

/// <summary>Dapr Workflow through the official JavaScript SDK (<c>@dapr/dapr</c> 3.18, installed in <c>tests/sdk-js</c>
/// by <c>npm ci</c>): its <c>WorkflowRuntime</c> is the worker (old message names, <c>Hello</c> before
/// <c>GetWorkItems</c>, action ids from 1, no completion tokens), its gRPC <c>DaprWorkflowClient</c> and its HTTP client
/// (<c>DaprClient.workflow</c>, always <c>v1.0-beta1</c>, ids it generates) drive the instances. The script
/// <c>tests/sdk-js/workflow.mjs</c> prints what it saw; this test checks that and what the sidecar kept.</summary>
public sealed class JavaScriptWorkflowTests
{
    private const string Workflow = "jsOrderWorkflow";
    private const string Item = "widget";
    private const int Quantity = 3;
    private const int Price = 7;

    [Fact]
    public async Task The_JavaScript_SDK_runs_a_workflow_as_worker_and_drives_instances_with_its_gRPC_and_HTTP_clients()
    {
        SdkSidecar.RequireInProcess();
        JavaScriptSdk.RequireInstalled();

        using var deadline = WorkflowApp.Deadline();
        await using var sidecar = await SdkSidecar.StartAsync("js-workflows");
        var output = await JavaScriptSdk.RunAsync("workflow.mjs", new Dictionary<string, string>
        {
            ["DAPR_GRPC_PORT"] = sidecar.InProcess!.GrpcPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_HTTP_PORT"] = sidecar.InProcess.HttpPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_API_TOKEN"] = sidecar.ApiToken ?? "",
            ["ITEM"] = Item,
            ["QUANTITY"] = Quantity.ToString(CultureInfo.InvariantCulture),
            ["PRICE"] = Price.ToString(CultureInfo.InvariantCulture),
        });
        var result = JsonNode.Parse(output)!;

        // The gRPC client: the instance it scheduled (with an id it generated) started, took the event and completed
        // with the output the JS workflow composed from its input, both activities' results and the event's value.
        var grpc = result["grpc"]!;
        var grpcId = grpc["instanceId"]!.GetValue<string>();
        Assert.True(Guid.TryParse(grpcId, out _), $"the JS client generates a UUID instance id: {grpcId}");
        var input = new JsonObject { ["item"] = Item, ["quantity"] = Quantity, ["price"] = Price };
        AssertState(grpc["started"], grpcId, "RUNNING", input, expectedOutput: null);
        var expected = ExpectedOutput(Item, "grpc-client");
        AssertState(grpc["completed"], grpcId, "COMPLETED", input, expected);
        AssertState(grpc["state"], grpcId, "COMPLETED", input, expected);
        Assert.Null(grpc["unknown"]);

        // Each activity of the completed instances ran exactly once, with the input the workflow passed, under the task
        // id the JS worker chose (its action ids start at 1) and the sidecar handed back in the ActivityRequest.
        var httpId = result["http"]!["instanceId"]!.GetValue<string>();
        var runs = result["activityRuns"]!.AsArray();
        AssertActivityRuns(runs, grpcId, Item);
        AssertActivityRuns(runs, httpId, Item + "-http");

        // The HTTP client (v1.0-beta1): it generated the id and sent the object input as JSON; GET shows RUNNING with
        // the input, then after its raiseEvent COMPLETED with the output; the gRPC client sees the same instance; a
        // purge makes GET 404.
        var http = result["http"]!;
        Assert.True(Guid.TryParse(httpId, out _), $"the JS HTTP client generates a UUID instance id: {httpId}");
        var httpInput = new JsonObject { ["item"] = Item + "-http", ["quantity"] = Quantity, ["price"] = Price };
        var httpExpected = ExpectedOutput(Item + "-http", "http-client");
        AssertHttpState(http["running"], httpId, "RUNNING", httpInput, expectedOutput: null);
        AssertHttpState(http["completed"], httpId, "COMPLETED", httpInput, httpExpected);
        AssertState(http["grpcView"], httpId, "COMPLETED", httpInput, httpExpected);
        Assert.Equal(404, http["afterPurge"]!["status"]!.GetValue<int>());
        Assert.Equal("ERR_INSTANCE_ID_NOT_FOUND", http["afterPurge"]!["body"]!["errorCode"]!.GetValue<string>());

        // The HTTP client's terminate: TERMINATED without output, then purged (the gRPC client finds nothing).
        var terminated = result["httpTerminated"]!;
        var terminatedId = terminated["instanceId"]!.GetValue<string>();
        AssertHttpState(terminated["terminated"], terminatedId, "TERMINATED",
            new JsonObject { ["item"] = Item + "-terminated", ["quantity"] = Quantity, ["price"] = Price }, expectedOutput: null);
        Assert.Null(terminated["grpcViewAfterPurge"]);

        // From the .NET side through the sidecar's HTTP API: the instance the JS gRPC client started is COMPLETED with the
        // very output text the JS client read; the purged ones are gone.
        using var client = new HttpClient { BaseAddress = sidecar.HttpEndpoint, Timeout = WorkflowApp.Patience };
        if (sidecar.ApiToken is { Length: > 0 } token)
        {
            client.DefaultRequestHeaders.Add("dapr-api-token", token);
        }

        using (var response = await client.GetAsync($"/v1.0/workflows/dapr/{grpcId}", deadline.Token))
        {
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {grpcId}: {(int)response.StatusCode} {body}");
            var state = JsonNode.Parse(body)!;
            Assert.Equal(grpcId, state["instanceID"]!.GetValue<string>());
            Assert.Equal(Workflow, state["workflowName"]!.GetValue<string>());
            Assert.Equal("COMPLETED", state["runtimeStatus"]!.GetValue<string>());
            var properties = state["properties"]!;
            Assert.Equal(grpc["completed"]!["output"]!.GetValue<string>(), properties["dapr.workflow.output"]!.GetValue<string>());
            AssertJson(expected, properties["dapr.workflow.output"]!.GetValue<string>());
            AssertJson(input, properties["dapr.workflow.input"]!.GetValue<string>());
        }

        foreach (var purged in new[] { httpId, terminatedId })
        {
            using var response = await client.GetAsync($"/v1.0/workflows/dapr/{purged}", deadline.Token);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"GET purged {purged}: {(int)response.StatusCode}");
        }

        // The history the sidecar committed for the JS worker's actions: TaskScheduled under the JS action ids 1 and 2,
        // each resolved by a TaskCompleted pointing at it, the event, and ExecutionCompleted under action id 3.
        var history = await HistoryAsync(sidecar, grpcId, deadline.Token);
        var scheduled = history.Where(e => e.TaskScheduled is not null).ToList();
        Assert.Equal([1, 2], scheduled.Select(e => e.EventId));
        Assert.Equal(["shout", "price"], scheduled.Select(e => e.TaskScheduled.Name));
        Assert.Equal([1, 2], history.Where(e => e.TaskCompleted is not null).Select(e => e.TaskCompleted.TaskScheduledId));
        var raised = Assert.Single(history, e => e.EventRaised is not null);
        Assert.Equal("approval", raised.EventRaised.Name);
        AssertJson(new JsonObject { ["by"] = "grpc-client" }, raised.EventRaised.Input);
        var completed = history[^1];
        Assert.NotNull(completed.ExecutionCompleted);
        Assert.Equal(OrchestrationStatus.Completed, completed.ExecutionCompleted.WorkflowStatus);
        Assert.Equal(3, completed.EventId);
        AssertJson(expected, completed.ExecutionCompleted.Result);
        Assert.DoesNotContain(history, e => e.WorkflowCompleted is not null);

        // The script stopped its runtime, so its work-item stream is gone from the sidecar.
        await Poll.UntilAsync(
            async () => JsonNode.Parse(await client.GetStringAsync("/v1.0/metadata", deadline.Token))?["workflows"]?["connectedWorkers"]?.GetValue<int>() ?? 0,
            workers => workers == 0,
            "the JS worker to have left the sidecar (metadata workflows.connectedWorkers)",
            TimeSpan.FromSeconds(10));
    }

    private static JsonObject ExpectedOutput(string item, string approver)
    {
        var shouted = item.ToUpperInvariant() + "!";
        var total = Quantity * Price;
        return new JsonObject
        {
            ["item"] = shouted,
            ["total"] = total,
            ["approvedBy"] = approver,
            ["summary"] = $"{shouted} x{Quantity} = {total}, approved by {approver}",
        };
    }

    /// <summary>A <c>WorkflowState</c> of the JS gRPC client, as the script describes it.</summary>
    private static void AssertState(JsonNode? state, string id, string status, JsonObject input, JsonObject? expectedOutput)
    {
        Assert.NotNull(state);
        Assert.Equal(id, state["instanceId"]!.GetValue<string>());
        Assert.Equal(Workflow, state["name"]!.GetValue<string>());
        Assert.Equal(status, state["runtimeStatus"]!.GetValue<string>());
        AssertJson(input, state["input"]!.GetValue<string>());
        if (expectedOutput is null)
        {
            Assert.Null(state["output"]);
        }
        else
        {
            AssertJson(expectedOutput, state["output"]!.GetValue<string>());
        }

        Assert.Null(state["failure"]);
    }

    /// <summary>What the JS HTTP client's <c>getWorkflowState</c> returned (daprd's GET body, field for field).</summary>
    private static void AssertHttpState(JsonNode? state, string id, string status, JsonObject input, JsonObject? expectedOutput)
    {
        Assert.NotNull(state);
        Assert.Equal(id, state["instanceID"]!.GetValue<string>());
        Assert.Equal(Workflow, state["workflowName"]!.GetValue<string>());
        Assert.Equal(status, state["runtimeStatus"]!.GetValue<string>());
        var properties = state["properties"]!.AsObject();
        AssertJson(input, properties["dapr.workflow.input"]!.GetValue<string>());
        if (expectedOutput is null)
        {
            Assert.False(properties.ContainsKey("dapr.workflow.output"), $"no output while {status}: {properties.ToJsonString()}");
        }
        else
        {
            AssertJson(expectedOutput, properties["dapr.workflow.output"]!.GetValue<string>());
        }
    }

    private static void AssertActivityRuns(JsonArray runs, string instanceId, string item)
    {
        var mine = runs.Where(r => r!["instanceId"]!.GetValue<string>() == instanceId).ToList();
        Assert.Equal(["shout", "price"], mine.Select(r => r!["name"]!.GetValue<string>()));
        Assert.Equal([1, 2], mine.Select(r => r!["taskId"]!.GetValue<int>()));
        Assert.Equal(item, mine[0]!["input"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["quantity"] = Quantity, ["price"] = Price }, mine[1]!["input"]), $"price input: {mine[1]!["input"]}");
    }

    private static void AssertJson(JsonNode expected, string? actualJson)
    {
        Assert.NotNull(actualJson);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(actualJson)), $"expected {expected.ToJsonString()}, got {actualJson}");
    }

    /// <summary>The committed history through <c>GetInstanceHistory</c> (the Dapr.Workflow package's generated stub).</summary>
    private static async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(SdkSidecar sidecar, string instanceId, CancellationToken cancellation)
    {
        using var channel = GrpcChannel.ForAddress(sidecar.GrpcEndpoint);
        var headers = new Metadata();
        if (sidecar.ApiToken is { Length: > 0 } token)
        {
            headers.Add("dapr-api-token", token);
        }

        var stub = new TaskHubSidecarService.TaskHubSidecarServiceClient(channel);
        var response = await stub.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { InstanceId = instanceId }, headers, cancellationToken: cancellation);
        return response.Events;
    }
}
