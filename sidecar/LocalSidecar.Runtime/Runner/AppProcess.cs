using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LocalSidecar.Runner;

/// <summary>An app's child process: started in its app folder with its environment, every output line handed to
/// a callback, stopped with SIGTERM and then killed (with its children) if it outlives the grace period.</summary>
public sealed class AppProcess
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(Process process) => _process = process;

    /// <summary>Kept from the start: it stays readable after the process has exited and been disposed.</summary>
    public int Id { get; private set; }

    /// <summary>Completes with the exit code when the process ends, for whatever reason.</summary>
    public Task<int> Exited => _exited.Task;

    /// <param name="environment">Variables to set on top of the runner's own; a null value removes one.</param>
    public static AppProcess Start(IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string?> environment, Action<string> onOutputLine)
    {
        var start = new ProcessStartInfo
        {
            FileName = Program(command[0], workingDirectory),
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(process);
        process.OutputDataReceived += (_, e) => Forward(e.Data, onOutputLine);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, onOutputLine);
        process.Exited += (_, _) => app._exited.TrySetResult(process.ExitCode);
        process.Start();
        app.Id = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Asks the process to stop (SIGTERM; on Windows there is none, so it is killed) and kills it with its
    /// children if it has not exited after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!Exited.IsCompleted)
        {
            if (OperatingSystem.IsWindows() || Kill(Id, SigTerm) != 0)
            {
                KillTree();
            }

            try
            {
                await Exited.WaitAsync(grace);
            }
            catch (TimeoutException)
            {
                KillTree();
                await Exited.WaitAsync(TimeSpan.FromSeconds(5));
            }
        }

        _process.Dispose();
    }

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static void Forward(string? line, Action<string> onOutputLine)
    {
        if (line is not null)
        {
            onOutputLine(line);
        }
    }

    /// <summary>A relative program path (<c>./run.sh</c>) is relative to the app folder, as it is for the dapr CLI;
    /// a bare name is looked up on PATH.</summary>
    private static string Program(string program, string workingDirectory) =>
        !Path.IsPathRooted(program) && program.IndexOfAny(['/', '\\']) >= 0 ? Path.GetFullPath(program, workingDirectory) : program;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
