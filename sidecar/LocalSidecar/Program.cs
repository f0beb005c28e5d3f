using LocalSidecar.Components;
using LocalSidecar.Hosting;
using LocalSidecar.Runner;

// The local sidecar's command line: one sidecar (daprd-style flags), `run -f dapr.yaml` for Multi-App Run, or
// `publish` to publish an event through a running app's sidecar.
if (args is ["--help" or "-h" or "help"])
{
    Console.WriteLine(SidecarCommandLine.Usage);
    return 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        stop.Cancel();
    });

if (args is ["run", .. var runArgs])
{
    return await RunCommand.RunAsync(runArgs, new RunnerOptions(), Console.Error, stop.Token);
}

if (args is ["publish", .. var publishArgs])
{
    return await PublishCommand.RunAsync(publishArgs, SidecarEnvironment.Process.NameResolver, Console.Out, Console.Error, stop.Token);
}

try
{
    var options = SidecarCommandLine.Parse(args, Environment.GetEnvironmentVariable);
    await using var sidecar = await Sidecar.StartAsync(options, stop.Token);
    await Task.WhenAny(sidecar.Stopped, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (ResourceException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
