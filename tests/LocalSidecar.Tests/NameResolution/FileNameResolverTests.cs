using System.Diagnostics;
using LocalSidecar.NameResolution;

namespace LocalSidecar.Tests.NameResolution;

public sealed class FileNameResolverTests
{
    [Fact]
    public async Task A_killed_sidecars_entry_is_not_resolved_and_is_removed_from_the_folder()
    {
        using var folder = new TempFolder();
        var resolver = new FileNameResolver(folder.Path);
        var deadPid = await PidOfAnExitedProcessAsync();
        await using var live = resolver.Register(new SidecarAddress("orders", "live", "127.0.0.1", 40001, Environment.ProcessId));
        await using var killed = resolver.Register(new SidecarAddress("orders", "killed", "127.0.0.1", 40002, deadPid));

        var resolved = new FileNameResolver(folder.Path).Resolve("orders");

        Assert.Equal(["live"], resolved.Select(a => a.InstanceId));
        Assert.Equal(["orders~live.json"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Resolving_every_app_also_removes_entries_of_killed_sidecars_of_other_apps()
    {
        using var folder = new TempFolder();
        var resolver = new FileNameResolver(folder.Path);
        await using var live = resolver.Register(new SidecarAddress("orders", "live", "127.0.0.1", 40001, Environment.ProcessId));
        await using var killed = resolver.Register(new SidecarAddress("payments", "killed", "127.0.0.1", 40002, await PidOfAnExitedProcessAsync()));

        var resolved = new FileNameResolver(folder.Path).ResolveAll();

        Assert.Equal(["orders"], resolved.Select(a => a.AppId));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    private static async Task<int> PidOfAnExitedProcessAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.Id;
    }
}
