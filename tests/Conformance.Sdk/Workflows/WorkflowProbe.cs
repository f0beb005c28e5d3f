namespace Conformance.Sdk.Workflows;

/// <summary>Every run of a test activity, in order. Shared by the app (a singleton the activities get from DI) and
/// the tests, which count runs: activities are where a workflow's side effects happen, so "ran exactly once" is what
/// replay must preserve.</summary>
public sealed class WorkflowProbe
{
    private readonly Lock _gate = new();
    private readonly List<ActivityRun> _runs = [];

    /// <summary>Records a run and returns its attempt number: how many times this activity has now run for this
    /// workflow instance.</summary>
    public int Record(string instanceId, string activity, string input)
    {
        lock (_gate)
        {
            var attempt = _runs.Count(r => r.InstanceId == instanceId && r.Activity == activity) + 1;
            _runs.Add(new ActivityRun(instanceId, activity, input, attempt, DateTimeOffset.UtcNow));
            return attempt;
        }
    }

    public IReadOnlyList<ActivityRun> Runs(string instanceId, string activity)
    {
        lock (_gate)
        {
            return _runs.Where(r => r.InstanceId == instanceId && r.Activity == activity).ToList();
        }
    }

    /// <summary>Runs found by input, for activities of a workflow whose instance id the test does not know (a child
    /// with a generated id).</summary>
    public IReadOnlyList<ActivityRun> RunsWithInput(string activity, string input)
    {
        lock (_gate)
        {
            return _runs.Where(r => r.Activity == activity && r.Input == input).ToList();
        }
    }

    public int Count(string instanceId, string activity) => Runs(instanceId, activity).Count;
}

public sealed record ActivityRun(string InstanceId, string Activity, string Input, int Attempt, DateTimeOffset At);
