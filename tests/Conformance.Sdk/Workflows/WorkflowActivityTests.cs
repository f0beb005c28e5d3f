using System.Globalization;
using System.Text.Json.Nodes;
using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.Workflow;
using Dapr.Workflow.Client;
using static Dapr.Workflow.Client.WorkflowHistoryEventType;

namespace Conformance.Sdk.Workflows;

/// <summary>Activities called from workflows: results fed back into the workflow through history, each activity run
/// once, retries as durable timers, failures surfacing as the workflow's failure details.</summary>
[Collection(WorkflowsCollection.Name)]
public sealed class WorkflowActivityTests(WorkflowApp workflows)
{
    /// <summary>daprd commits one turn per activity result, each opened by a WorkflowStarted, and never writes
    /// WorkflowCompleted (OrchestratorCompleted); event ids are the SDK's action ids (from 0) on TaskScheduled and
    /// −1 on everything that is not born from an action.</summary>
    [Fact]
    public async Task A_chain_of_two_activities_completes_with_the_composed_output_and_a_history_of_one_turn_per_activity()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("chain");
        var input = "hello " + id;

        await workflows.StartAsync(nameof(ChainWorkflow), id, input, deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(nameof(ChainWorkflow), state.WorkflowName);
        Assert.Equal(input, state.ReadInputAs<string>());
        Assert.Equal(input.ToUpperInvariant() + "!", state.ReadOutputAs<string>());
        Assert.Null(state.FailureDetails);
        Assert.Equal(input, Assert.Single(workflows.Probe.Runs(id, nameof(ShoutActivity))).Input);
        Assert.Equal(input.ToUpperInvariant(), Assert.Single(workflows.Probe.Runs(id, nameof(ExclaimActivity))).Input);

        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Equal(
            [OrchestratorStarted, ExecutionStarted, TaskScheduled, OrchestratorStarted, TaskCompleted, TaskScheduled, OrchestratorStarted, TaskCompleted, ExecutionCompleted],
            history.Select(e => e.EventType));
        Assert.Equal([0, 1], history.Where(e => e.EventType == TaskScheduled).Select(e => e.EventId));
        Assert.All(history.Where(e => e.EventType is OrchestratorStarted or ExecutionStarted or TaskCompleted), e => Assert.Equal(-1, e.EventId));
    }

    [Fact]
    public async Task Twenty_activities_fanned_out_with_WhenAll_each_run_once_and_their_results_are_aggregated()
    {
        const int count = 20;
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("fan-out");

        await workflows.StartAsync(nameof(FanOutFanInWorkflow), id, count, deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(Enumerable.Range(0, count).Sum(i => i * i), state.ReadOutputAs<int>());
        var runs = workflows.Probe.Runs(id, nameof(SquareActivity));
        Assert.Equal(
            Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(),
            runs.Select(r => r.Input).Order());

        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Equal(Enumerable.Range(0, count), history.Where(e => e.EventType == TaskScheduled).Select(e => e.EventId).Order());
        Assert.Equal(count, history.Count(e => e.EventType == TaskCompleted));
        Assert.Single(history, e => e.EventType == ExecutionCompleted);
    }

    /// <summary>Retries live in the SDK: each attempt is a new TaskScheduled, and the wait between attempts a durable
    /// timer (origin <c>activityRetry</c>).</summary>
    [Fact]
    public async Task An_activity_with_a_retry_policy_that_fails_twice_succeeds_on_its_third_attempt_after_durable_backoff_timers()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("retry");

        await workflows.StartAsync(nameof(RetryingWorkflow), id, 2, deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("succeeded on attempt 3", state.ReadOutputAs<string>());
        var attempts = workflows.Probe.Runs(id, nameof(FlakyActivity));
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Attempt));
        // Each retry waits for a timer due the retry interval after the turn that saw the failure, which is after
        // the failed attempt started; a little slack for the clocks of the app and the sidecar.
        var slack = TimeSpan.FromMilliseconds(50);
        Assert.All(attempts.Zip(attempts.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= RetryingWorkflow.Policy.FirstRetryInterval - slack,
            $"attempt {pair.Second.Attempt} ran {(pair.Second.At - pair.First.At).TotalMilliseconds} ms after attempt {pair.First.Attempt}"));

        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Equal(3, history.Count(e => e.EventType == TaskScheduled));
        Assert.Equal(2, history.Count(e => e.EventType == TaskFailed));
        Assert.Equal(2, history.Count(e => e.EventType == TimerCreated));
        Assert.Equal(2, history.Count(e => e.EventType == TimerFired));
        Assert.Single(history, e => e.EventType == TaskCompleted);
    }

    /// <summary>The .NET SDK fails the workflow with the escaping <see cref="WorkflowTaskFailedException"/>; the HTTP
    /// API shows the same failure as <c>dapr.workflow.failure.*</c> properties and no output.</summary>
    [Fact]
    public async Task A_failing_activity_without_retries_fails_the_workflow_with_its_failure_details_over_gRPC_and_HTTP()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("failing");
        var expectedMessage = "Task failed: " + FailingActivity.MessageFor(id);

        await workflows.StartAsync(nameof(FailingActivityWorkflow), id, id, deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        var failure = Assert.IsType<WorkflowTaskFailureDetails>(state.FailureDetails);
        Assert.Equal(typeof(WorkflowTaskFailedException).FullName, failure.ErrorType);
        Assert.Equal(expectedMessage, failure.ErrorMessage);
        Assert.Null(state.ReadOutputAs<string>());
        Assert.Single(workflows.Probe.Runs(id, nameof(FailingActivity)));

        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Single(history, e => e.EventType == TaskFailed);
        Assert.Equal(ExecutionCompleted, history[^1].EventType);

        using var http = workflows.CreateHttpClient();
        var body = JsonNode.Parse(await http.GetStringAsync($"/v1.0/workflows/dapr/{id}", deadline.Token))!.AsObject();
        Assert.Equal("FAILED", body["runtimeStatus"]?.GetValue<string>());
        var properties = body["properties"]!.AsObject();
        Assert.Equal(typeof(WorkflowTaskFailedException).FullName, properties["dapr.workflow.failure.error_type"]?.GetValue<string>());
        Assert.Equal(expectedMessage, properties["dapr.workflow.failure.error_message"]?.GetValue<string>());
        Assert.False(properties.ContainsKey("dapr.workflow.output"), $"a failed workflow has no output property: {body}");
    }

    /// <summary>An exception thrown by the workflow's own code ends it Failed with that exception's type and message.</summary>
    [Fact]
    public async Task A_workflow_that_throws_ends_failed_with_its_exception_type_and_message()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("throwing");

        await workflows.StartAsync(nameof(ThrowingWorkflow), id, id, deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        var failure = Assert.IsType<WorkflowTaskFailureDetails>(state.FailureDetails);
        Assert.Equal(typeof(InvalidOperationException).FullName, failure.ErrorType);
        Assert.Equal(ThrowingWorkflow.MessageFor(id), failure.ErrorMessage);
        Assert.Null(state.ReadOutputAs<string>());
        Assert.Single(workflows.Probe.Runs(id, nameof(ShoutActivity)));
    }
}
