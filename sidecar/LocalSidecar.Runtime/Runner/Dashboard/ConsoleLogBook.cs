using System.Collections.Concurrent;

namespace LocalSidecar.Runner.Dashboard;

/// <summary>Every console log of a run, by the prefix its lines carry in the runner's output (<c>== APP - orders ==</c>,
/// <c>== DAPR - orders ==</c>), kept from the first line: a sidecar logs before the runner lists it.</summary>
public sealed class ConsoleLogBook
{
    private readonly ConcurrentDictionary<string, ConsoleLog> _logs = new(StringComparer.Ordinal);

    /// <summary>Subscribes to <paramref name="output"/>; the runner's own lines are not kept.</summary>
    public void Attach(RunnerOutput output) => output.LineWritten += (prefix, line) =>
    {
        if (prefix != RunnerOutput.RunnerPrefix)
        {
            For(prefix).Append(line);
        }
    };

    public ConsoleLog For(string prefix) => _logs.GetOrAdd(prefix, _ => new ConsoleLog());
}
