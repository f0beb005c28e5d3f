using Dapr.DurableTask.Protobuf;
using Microsoft.Extensions.Logging;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace LocalSidecar.Workflows;

/// <summary>One instance at a time, follow-ups, and the shapes the API front ends read.</summary>
public sealed partial class WorkflowEngine
{
    /// <summary>Runs <paramref name="action"/> with the instance loaded and its gate held, then, with the gate released,
    /// the follow-ups it queued (work on other instances, so that no two gates are ever held at once). If the action
    /// fails, the instance is reloaded from the store next time: memory never runs ahead of what was committed.</summary>
    private async Task<T> WithInstanceAsync<T>(string id, Func<WorkflowInstanceState, List<Func<Task>>, Task<T>> action, CancellationToken cancellationToken)
    {
        var store = Store;
        var instance = _instances.GetOrAdd(id, static i => new WorkflowInstanceState(i));
        await instance.Gate.WaitAsync(cancellationToken);
        while (instance.Evicted)
        {
            instance.Gate.Release();
            instance = _instances.GetOrAdd(id, static i => new WorkflowInstanceState(i));
            await instance.Gate.WaitAsync(cancellationToken);
        }

        var followUps = new List<Func<Task>>();
        T result;
        try
        {
            if (!instance.Loaded)
            {
                await store.LoadAsync(instance, cancellationToken);
            }

            result = await action(instance, followUps);
        }
        catch (Exception e) when (e is not WorkflowException)
        {
            // A refusal (WorkflowException) comes before any change; anything else may leave memory ahead of the store.
            if (instance.Loaded && !cancellationToken.IsCancellationRequested)
            {
                ScheduleRecovery(id);
            }

            instance.Loaded = false;
            throw;
        }
        finally
        {
            instance.Gate.Release();
        }

        foreach (var followUp in followUps)
        {
            await RunFollowUpAsync(followUp);
        }

        return result;
    }

    private async Task WithInstanceAsync(string id, Func<WorkflowInstanceState, List<Func<Task>>, Task> action, CancellationToken cancellationToken) =>
        await WithInstanceAsync(id, async (instance, followUps) =>
        {
            await action(instance, followUps);
            return true;
        }, cancellationToken);

    private async Task RunFollowUpAsync(Func<Task> followUp)
    {
        try
        {
            await followUp();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // What a follow-up failed to do is done again when the instances are resumed from the store.
            _logger.LogError(e, "Workflow engine: a follow-up step failed");
        }
    }

    private static void RequireExists(WorkflowInstanceState instance)
    {
        if (!instance.Exists)
        {
            throw WorkflowException.NoSuchInstance();
        }
    }

    private GetInstanceResponse Describe(WorkflowInstanceState instance, bool withPayloads)
    {
        if (!instance.Exists)
        {
            return new GetInstanceResponse { Exists = false };
        }

        var started = instance.Started;
        var state = new WorkflowState
        {
            InstanceId = instance.Id,
            Name = started?.Name ?? "",
            Version = started?.Version ?? "",
            WorkflowStatus = instance.Status,
            CreatedTimestamp = instance.History.FirstOrDefault(e => e.EventTypeCase == EventType.ExecutionStarted)?.Timestamp,
            LastUpdatedTimestamp = instance.History.LastOrDefault()?.Timestamp,
            StartedAt = instance.History.FirstOrDefault()?.Timestamp,
        };
        if (withPayloads)
        {
            state.Input = started?.Input;
            state.Output = instance.Completed?.Result;
            state.CustomStatus = instance.CustomStatus;
            state.FailureDetails = instance.Completed?.FailureDetails;
        }

        return new GetInstanceResponse { Exists = true, WorkflowState = state };
    }

    private static TimerCreatedEvent TimerCreatedFrom(CreateTimerAction action)
    {
        var created = new TimerCreatedEvent { FireAt = action.FireAt };
        if (action.HasName)
        {
            created.Name = action.Name;
        }

        switch (action.OriginCase)
        {
            case CreateTimerAction.OriginOneofCase.CreateTimer: created.CreateTimer = action.CreateTimer; break;
            case CreateTimerAction.OriginOneofCase.ExternalEvent: created.ExternalEvent = action.ExternalEvent; break;
            case CreateTimerAction.OriginOneofCase.ActivityRetry: created.ActivityRetry = action.ActivityRetry; break;
            case CreateTimerAction.OriginOneofCase.ChildWorkflowRetry: created.ChildWorkflowRetry = action.ChildWorkflowRetry; break;
        }

        return created;
    }

    /// <summary>False when cancelled. Waits in steps, since a wait may be years long (indefinite waits use 9999-12-31).</summary>
    private async Task<bool> DelayUntilAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        try
        {
            for (var left = due - Now; left > TimeSpan.Zero; left = due - Now)
            {
                await Task.Delay(left < TimeSpan.FromDays(1) ? left : TimeSpan.FromDays(1), _time, cancellationToken);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private DateTimeOffset Now => _time.GetUtcNow();
}
