using Dapr.DurableTask.Protobuf;
using Microsoft.Extensions.Logging;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace LocalSidecar.Workflows;

/// <summary>What a committed turn sets going: activities sent, timers armed, children started, parents told.</summary>
public sealed partial class WorkflowEngine
{
    private void SendActivity(WorkflowInstanceState instance, HistoryEvent scheduled)
    {
        var request = new ActivityRequest
        {
            Name = scheduled.TaskScheduled.Name,
            Version = scheduled.TaskScheduled.Version,
            Input = scheduled.TaskScheduled.Input,
            WorkflowInstance = new Dapr.DurableTask.Protobuf.WorkflowInstance { InstanceId = instance.Id },
            TaskId = scheduled.EventId,
            TaskExecutionId = scheduled.TaskScheduled.TaskExecutionId,
            ParentTraceContext = _spans.ActivityStarted(instance.Id, instance.ExecutionId, scheduled.EventId, scheduled.TaskScheduled),
        };
        RecordActivityOperation(scheduled, () => _dispatcher.Send(new PendingWorkItem(instance.Id, scheduled.EventId, instance.ExecutionId, () => new WorkItem { ActivityRequest = request.Clone() })));
    }

    private void ArmTimer(WorkflowInstanceState instance, HistoryEvent created)
    {
        var timerId = created.EventId;
        var fireAt = created.TimerCreated.FireAt;
        var (id, executionId) = (instance.Id, instance.ExecutionId);
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        instance.Timers[timerId] = cancel;
        _ = Task.Run(async () =>
        {
            if (!await DelayUntilAsync(fireAt.ToDateTimeOffset(), cancel.Token))
            {
                return;
            }

            await RunFollowUpAsync(() => WithInstanceAsync(id, (current, _) =>
            {
                if (current.IsCompleted || current.ExecutionId != executionId || current.IsResolved(timerId))
                {
                    return Task.CompletedTask;
                }

                current.Timers.Remove(timerId);
                var fired = WorkflowInstanceState.NewEvent(Now);
                fired.TimerFired = new TimerFiredEvent { TimerId = timerId, FireAt = fireAt };
                _spans.TimerFired(id, executionId, fired);
                AddToInboxDeferred(current, fired);
                return Task.CompletedTask;
            }, _stopping.Token));
        });
    }

    private void ArmScheduledStart(WorkflowInstanceState instance, DateTimeOffset startAt)
    {
        const int ScheduledStartTimer = int.MinValue;
        if (instance.Timers.ContainsKey(ScheduledStartTimer))
        {
            return;
        }

        var id = instance.Id;
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        instance.Timers[ScheduledStartTimer] = cancel;
        _ = Task.Run(async () =>
        {
            if (await DelayUntilAsync(startAt, cancel.Token))
            {
                await RunFollowUpAsync(() => WithInstanceAsync(id, (current, _) =>
                {
                    current.Timers.Remove(ScheduledStartTimer);
                    ScheduleTurn(current);
                    return Task.CompletedTask;
                }, _stopping.Token));
            }
        });
    }

    private Task StartChildAsync(string parentId, string parentExecutionId, string parentName, HistoryEvent created) =>
        WithInstanceAsync(created.ChildWorkflowInstanceCreated.InstanceId, async (child, followUps) =>
        {
            var ownParent = child.StartEvent?.ParentInstance?.WorkflowInstance;
            if (child.Exists && ownParent?.InstanceId == parentId && ownParent.ExecutionId == parentExecutionId)
            {
                // Already started (the parent was resumed after a restart). A child that finished is not resumed itself,
                // so the parent is told its result again here: the crash may have come before the parent heard it.
                if (child.StartEvent!.ParentInstance is { } parent && child.Completed is { } completed)
                {
                    followUps.Add(() => NotifyParentAsync(parent, completed));
                }

                return;
            }

            if (child.Exists && !child.IsCompleted)
            {
                _logger.LogWarning("Workflow {ParentId} asked for child {ChildId}, which is already running for another parent", parentId, child.Id);
                return;
            }

            if (child.Exists)
            {
                BeginNewGeneration(child);
            }

            var info = created.ChildWorkflowInstanceCreated;
            var started = StartEvent(child.Id, info.Name, info.Version, info.Input);
            started.ExecutionStarted.ParentTraceContext = info.ParentTraceContext;
            started.ExecutionStarted.ParentInstance = new ParentInstanceInfo
            {
                TaskScheduledId = created.EventId,
                Name = parentName,
                WorkflowInstance = new Dapr.DurableTask.Protobuf.WorkflowInstance { InstanceId = parentId, ExecutionId = parentExecutionId },
                AppID = _appId,
            };
            await AddToInboxAsync(child, started);
        }, _stopping.Token);

    private Task NotifyParentAsync(ParentInstanceInfo parent, ExecutionCompletedEvent completed) =>
        WithInstanceAsync(parent.WorkflowInstance.InstanceId, (instance, _) =>
        {
            var taskId = parent.TaskScheduledId;
            if (!instance.Exists || instance.IsCompleted || instance.ExecutionId != parent.WorkflowInstance.ExecutionId
                || instance.IsResolved(taskId))
            {
                return Task.CompletedTask;
            }

            var result = WorkflowInstanceState.NewEvent(Now);
            if (completed.WorkflowStatus == OrchestrationStatus.Completed)
            {
                result.ChildWorkflowInstanceCompleted = new ChildWorkflowInstanceCompletedEvent { TaskScheduledId = taskId, Result = completed.Result };
            }
            else
            {
                result.ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
                {
                    TaskScheduledId = taskId,
                    FailureDetails = completed.FailureDetails ?? new TaskFailureDetails
                    {
                        ErrorType = completed.WorkflowStatus.ToString(),
                        ErrorMessage = $"the child workflow ended {completed.WorkflowStatus.ToString().ToUpperInvariant()}",
                    },
                };
            }

            AddToInboxDeferred(instance, result);
            return Task.CompletedTask;
        }, _stopping.Token);

    private async Task TerminateIfExistsAsync(string id, string? output)
    {
        try
        {
            await TerminateAsync(id, output, recursive: true, wait: false, _stopping.Token);
        }
        catch (WorkflowException e) when (e.Kind == WorkflowErrorKind.NotFound)
        {
            // A child that was never started has nothing to terminate.
        }
    }

    private Task DeliverEventAsync(EventSentEvent sent) =>
        WithInstanceAsync(sent.InstanceId, async (instance, _) =>
        {
            if (!instance.Exists || instance.IsCompleted)
            {
                return;
            }

            var raised = WorkflowInstanceState.NewEvent(Now);
            raised.EventRaised = new EventRaisedEvent { Name = sent.Name, Input = sent.Input };
            await AddToInboxAsync(instance, raised);
        }, _stopping.Token);
}
