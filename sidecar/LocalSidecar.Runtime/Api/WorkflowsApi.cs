using System.Text;
using System.Text.Json.Nodes;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using LocalSidecar.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalSidecar.Api;

/// <summary>daprd's workflow HTTP API on <c>v1.0</c>, <c>v1.0-beta1</c> and <c>v1.0-alpha1</c> (the same handlers; the
/// workflow component segment is not checked, <c>dapr</c> by convention). Starting, raising, pausing, resuming,
/// terminating and purging answer 202 without waiting for the workflow; bodies are raw input text.</summary>
public static class WorkflowsApi
{
    private const int MaxInstanceIdLength = 64;

    public static IEndpointRouteBuilder MapWorkflowsApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in new[] { "v1.0", "v1.0-beta1", "v1.0-alpha1" })
        {
            var group = routes.MapGroup($"/{version}/workflows/{{component}}");
            group.MapPost("/{workflowName}/start", StartAsync);
            group.MapGet("/{instanceId}", GetAsync);
            group.MapPost("/{instanceId}/raiseEvent/{eventName}", RaiseEventAsync);
            group.MapPost("/{instanceId}/terminate", (string instanceId, WorkflowEngine engine, CancellationToken ct) =>
                Accepted(() => engine.TerminateAsync(instanceId, null, recursive: true, wait: false, ct), e => NotFoundOr(e, instanceId, "ERR_TERMINATE_WORKFLOW", $"error terminating workflow '{instanceId}': failed to terminate workflow {instanceId}: ")));
            group.MapPost("/{instanceId}/pause", (string instanceId, WorkflowEngine engine, CancellationToken ct) =>
                Accepted(() => engine.SuspendAsync(instanceId, null, wait: false, ct), e => Failed(e, "ERR_PAUSE_WORKFLOW", $"error pausing workflow {instanceId}: failed to pause workflow {instanceId}: ")));
            group.MapPost("/{instanceId}/resume", (string instanceId, WorkflowEngine engine, CancellationToken ct) =>
                Accepted(() => engine.ResumeAsync(instanceId, null, wait: false, ct), e => Failed(e, "ERR_RESUME_WORKFLOW", $"error resuming workflow {instanceId}: failed to resume workflow {instanceId}: ")));
            group.MapPost("/{instanceId}/purge", (string instanceId, WorkflowEngine engine, CancellationToken ct) =>
                Accepted(() => engine.PurgeAsync(instanceId, recursive: true, force: false, ct), e => NotFoundOr(e, instanceId, "ERR_PURGE_WORKFLOW", $"error purging workflow {instanceId}: failed to Purge workflow {instanceId}: ")));
        }

        return routes;
    }

    private static async Task<IResult> StartAsync(string workflowName, string? instanceID, HttpRequest request, WorkflowEngine engine, CancellationToken ct)
    {
        var id = string.IsNullOrEmpty(instanceID) ? Guid.NewGuid().ToString() : instanceID;
        if (id.Length > MaxInstanceIdLength)
        {
            return DaprError.Create(400, "ERR_INSTANCE_ID_TOO_LONG", $"workflow instance ID exceeds the max length of {MaxInstanceIdLength} characters");
        }

        if (!id.EnumerateRunes().All(r => Rune.IsLetterOrDigit(r) || r.Value is '-' or '_'))
        {
            return DaprError.Create(400, "ERR_INSTANCE_ID_INVALID", $"workflow instance ID '{id}' is invalid: only alphanumeric and underscore characters are allowed");
        }

        var input = await ReadTextAsync(request, ct);
        try
        {
            await engine.StartInstanceAsync(new CreateInstanceRequest { InstanceId = id, Name = workflowName, Input = input }, viaGrpc: false, ct);
        }
        catch (WorkflowException e)
        {
            return Failed(e, "ERR_START_WORKFLOW", $"error starting workflow '{workflowName}': unable to start workflow: ");
        }

        return JsonResults.Node(new JsonObject { ["instanceID"] = id }, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> GetAsync(string instanceId, WorkflowEngine engine, CancellationToken ct)
    {
        GetInstanceResponse found;
        try
        {
            found = await engine.GetInstanceAsync(instanceId, withPayloads: true, ct);
        }
        catch (WorkflowException e)
        {
            return Failed(e, "ERR_GET_WORKFLOW", $"error while getting workflow info on instance '{instanceId}': failed to get workflow metadata for '{instanceId}': ");
        }

        if (!found.Exists)
        {
            return InstanceNotFound(instanceId);
        }

        var state = found.WorkflowState;
        var body = new JsonObject { ["instanceID"] = instanceId };
        if (state.Name.Length > 0)
        {
            body["workflowName"] = state.Name;
        }

        body["createdAt"] = Time(state.CreatedTimestamp);
        body["lastUpdatedAt"] = Time(state.LastUpdatedTimestamp);
        body["runtimeStatus"] = StatusName(state.WorkflowStatus);
        var properties = new JsonObject();
        if (!string.IsNullOrEmpty(state.CustomStatus))
        {
            properties["dapr.workflow.custom_status"] = state.CustomStatus;
        }

        if (state.Input is not null)
        {
            properties["dapr.workflow.input"] = state.Input;
        }

        if (state.Output is not null && state.FailureDetails is null)
        {
            properties["dapr.workflow.output"] = state.Output;
        }

        if (state.FailureDetails is { } failure)
        {
            properties["dapr.workflow.failure.error_type"] = failure.ErrorType;
            properties["dapr.workflow.failure.error_message"] = failure.ErrorMessage;
            if (failure.StackTrace is not null)
            {
                properties["dapr.workflow.failure.stack_trace"] = failure.StackTrace;
            }
        }

        if (properties.Count > 0)
        {
            body["properties"] = properties;
        }

        return JsonResults.Node(body);
    }

    private static async Task<IResult> RaiseEventAsync(string instanceId, string eventName, HttpRequest request, WorkflowEngine engine, CancellationToken ct)
    {
        var data = await ReadTextAsync(request, ct);
        return await Accepted(() => engine.RaiseEventAsync(instanceId, eventName, data, ct),
            e => Failed(e, "ERR_RAISE_EVENT_WORKFLOW", $"error raising event on workflow '{instanceId}': failed to raise event {eventName} on workflow {instanceId}: "));
    }

    private static async Task<IResult> Accepted(Func<Task> operation, Func<WorkflowException, IResult> failed)
    {
        try
        {
            await operation();
        }
        catch (WorkflowException e)
        {
            return failed(e);
        }

        return JsonResults.Node(new JsonObject(), statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult NotFoundOr(WorkflowException e, string instanceId, string errorCode, string prefix) =>
        e.Kind == WorkflowErrorKind.NotFound ? InstanceNotFound(instanceId) : Failed(e, errorCode, prefix);

    private static IResult Failed(WorkflowException e, string errorCode, string prefix) =>
        e.Kind == WorkflowErrorKind.NoActorStateStore
            ? DaprError.Create(500, "ERR_ACTOR_RUNTIME_NOT_FOUND", e.Message)
            : DaprError.Create(500, errorCode, prefix + e.Message);

    private static IResult InstanceNotFound(string instanceId) =>
        DaprError.Create(404, "ERR_INSTANCE_ID_NOT_FOUND", $"unable to find workflow with the provided instance ID: {instanceId}");

    /// <summary>The body as text; an empty body is the empty string, as daprd passes it.</summary>
    private static async Task<string> ReadTextAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    /// <summary>RFC 3339 as protojson writes it (UTC, 0, 3, 6 or 9 fraction digits); an absent time is the epoch.</summary>
    private static string Time(Google.Protobuf.WellKnownTypes.Timestamp? time) =>
        JsonFormatter.Default.Format(time ?? new Google.Protobuf.WellKnownTypes.Timestamp()).Trim('"');

    private static string StatusName(OrchestrationStatus status) => (int)status switch
    {
        0 => "RUNNING",
        1 => "COMPLETED",
        2 => "CONTINUED_AS_NEW",
        3 => "FAILED",
        4 => "CANCELED",
        5 => "TERMINATED",
        6 => "PENDING",
        7 => "SUSPENDED",
        _ => "UNKNOWN",
    };
}
