using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LocalSidecar.Tests;

/// <summary>The built CLI's <c>run</c> subcommand as a child process (as <c>make run</c> starts it), with its output
/// captured, so a test can read the readiness lines and kill the whole process tree with SIGKILL.</summary>
public sealed partial class RunnerProcess : IDisposable
{
    private readonly Process _process;

    private RunnerProcess(Process process, CapturedLines output)
    {
        _process = process;
        Output = output;
    }

    public CapturedLines Output { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The runner's exit code once it has exited within <paramref name="timeout"/>.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>An assembly built next to this test's output: tests/LocalSidecar.Tests/bin/&lt;config&gt;/&lt;tfm&gt;/ →
    /// &lt;projectDirectory&gt;/bin/&lt;config&gt;/&lt;tfm&gt;/&lt;name&gt;.dll.</summary>
    public static string BuiltAssembly(string projectDirectory, string name)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (testBin.Name, testBin.Parent!.Name);
        var repository = testBin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(repository, projectDirectory, "bin", configuration, framework, name + ".dll");
    }

    public static RunnerProcess Start(params string[] arguments) => StartIn(Environment.CurrentDirectory, arguments);

    /// <summary>The CLI started in <paramref name="workingDirectory"/>, against which daprd resolves the relative paths of
    /// component metadata.</summary>
    public static RunnerProcess StartIn(string workingDirectory, params string[] arguments)
    {
        var output = new CapturedLines();
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        process.StartInfo.ArgumentList.Add(BuiltAssembly(Path.Combine("sidecar", "LocalSidecar"), "LocalSidecar"));
        foreach (var argument in arguments)
        {
            process.StartInfo.ArgumentList.Add(argument);
        }

        process.OutputDataReceived += (_, e) => output.WriteLine(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output.WriteLine(e.Data ?? "");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RunnerProcess(process, output);
    }

    /// <summary>Waits for the start-up summary line of <paramref name="appName"/> and returns its Dapr HTTP API.</summary>
    public async Task<Uri> WaitForDaprHttpApiAsync(string appName, TimeSpan timeout)
    {
        var line = await Output.WaitForAsync(l => l.StartsWith($"== RUNNER == {appName}: app ", StringComparison.Ordinal) && DaprHttpApi().IsMatch(l), timeout);
        return new Uri(DaprHttpApi().Match(line).Groups[1].Value);
    }

    /// <summary>SIGKILL to the runner and every process under it (its apps): nothing gets to clean up.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Dapr HTTP API on (http://[^,;\s]+)")]
    private static partial Regex DaprHttpApi();
}
