using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Workflows;

/// <summary>After a failed commit (a store's transient error), the instance is reloaded from the store and re-armed as
/// after a restart. Unloading alone is not enough: the failed change's turn or activity result was taken from the
/// dispatcher and its timers were dropped with the memory, so nothing would wake the instance again until the sidecar
/// restarted.</summary>
public sealed partial class WorkflowEngine
{
    private static readonly TimeSpan RecoveryDelay = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, bool> _recovering = new(StringComparer.Ordinal);

    private void ScheduleRecovery(string id)
    {
        if (!_recovering.TryAdd(id, true))
        {
            return;
        }

        var stopping = _stopping.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(RecoveryDelay, _time, stopping);
                _recovering.TryRemove(id, out _);
                await WithInstanceAsync(id, async (instance, followUps) =>
                {
                    // Everything in flight is sent again from what the store has (the instance may have been loaded and
                    // given a new turn since the failure): an activity may run twice (activities are at-least-once), a
                    // stale answer finds no work item and is ignored.
                    _dispatcher.Cancel(item => item.InstanceId == id);
                    await Store.LoadAsync(instance, stopping);
                    Resume(instance, followUps);
                }, stopping);
                _logger.LogInformation("Workflow {InstanceId} of app {AppId} re-armed from the store after a failed commit", id, _appId);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                // The store is still failing (e.g. a Redis loading its append-only file): tried again until it answers.
                _logger.LogWarning("Workflow {InstanceId} of app {AppId}: re-arming after a failed commit failed ({Error}); trying again", id, _appId, e.Message);
                ScheduleRecovery(id);
            }
        });
    }
}
