using System.Diagnostics;

namespace Sidecart.Testing;

/// <summary>An app of a <see cref="SidecartSystem"/> that the test runs itself, so it can kill it (SIGKILL: no
/// shutdown, no flushing) and start it again. Its output goes to the run's log, prefixed like the runner's.</summary>
public sealed class SystemAppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private int _disposed;

    private SystemAppProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public static SystemAppProcess Start(string program, string assembly, string workingDirectory, IReadOnlyDictionary<string, string> environment, TextWriter log)
    {
        // Stdin too: the test process's own is xunit's runner's channel to it, which no child may hold.
        var info = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(assembly);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {assembly}");
        var prefix = $"== APP - {environment.GetValueOrDefault("APP_ID")} (pid {process.Id}) == ";
        process.OutputDataReceived += (_, e) => Write(log, prefix, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, prefix, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SystemAppProcess(process);
    }

    /// <summary>SIGKILL, then waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>Kills the app (once: the test and its system may both dispose it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await KillAsync();
        _process.Dispose();
    }

    private static void Write(TextWriter log, string prefix, string? line)
    {
        if (line is not null)
        {
            log.WriteLine(prefix + line);
        }
    }
}
