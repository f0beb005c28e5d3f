namespace LocalSidecar.Runner;

/// <summary>The runner's console: whole lines from every app, sidecar and the runner itself, each prefixed with its
/// source (<c>== APP - orders ==</c>, <c>== DAPR - orders ==</c>) and never interleaved mid-line.</summary>
public sealed class RunnerOutput(TextWriter target)
{
    public const string RunnerPrefix = "== RUNNER ==";

    private readonly Lock _gate = new();

    public static string AppPrefix(string instanceName) => $"== APP - {instanceName} ==";

    public static string SidecarPrefix(string instanceName) => $"== DAPR - {instanceName} ==";

    /// <summary>Every line, with its prefix, as it is written (in order): the resource service keeps them as each app's
    /// and sidecar's console output.</summary>
    public event Action<string, string>? LineWritten;

    public void Line(string prefix, string line)
    {
        lock (_gate)
        {
            target.WriteLine($"{prefix} {line}");
            target.Flush();
            LineWritten?.Invoke(prefix, line);
        }
    }

    public void Runner(string message) => Line(RunnerPrefix, message);
}
