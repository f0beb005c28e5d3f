using LocalSidecar.Components;

namespace LocalSidecar.Runner;

/// <summary><c>LocalSidecar run</c>: loads the run file, runs it until <paramref name="stop"/> fires, then stops
/// everything. Returns the process exit code: 0 after a requested stop, 1 for an unusable run file, a port in use or an
/// app that cannot start, 2 for bad arguments.</summary>
public static class RunCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, RunnerOptions options, TextWriter errors, CancellationToken stop)
    {
        if (args is ["--help" or "-h"])
        {
            await options.Output.WriteLineAsync(RunCommandLine.Usage);
            return 0;
        }

        try
        {
            var commandLine = RunCommandLine.Parse(args, Directory.GetCurrentDirectory());
            var file = RunFile.Load(commandLine.RunFilePath);
            await using var runner = await MultiAppRunner.StartAsync(file, options with
            {
                ResourcesPathsOverride = commandLine.ResourcesPaths,
                Replicas = commandLine.Replicas,
                IssuerCredentials = commandLine.IssuerCredentials,
                GenerateApiTokens = commandLine.GenerateApiTokens,
                Dashboard = commandLine.Dashboard ? new Dashboard.DashboardOptions() : null,
            }, stop);
            await Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            return 0;
        }
        catch (ArgumentException e)
        {
            await errors.WriteLineAsync(e.Message);
            return 2;
        }
        catch (ResourceException e)
        {
            await errors.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            await errors.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
    }
}
