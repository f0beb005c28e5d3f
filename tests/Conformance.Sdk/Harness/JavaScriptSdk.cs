using System.Diagnostics;

namespace Conformance.Sdk.Harness;

/// <summary>The official JavaScript SDK (<c>@dapr/dapr</c>), installed in <c>tests/sdk-js</c> by <c>npm ci</c>
/// (<c>.ci/run</c> does it), and the scripts there that drive it.</summary>
public static class JavaScriptSdk
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    public static string Folder { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "sdk-js"));

    /// <summary>Skips the test when the SDK is not installed, or fails it in CI, where it must be.</summary>
    public static void RequireInstalled()
    {
        if (Directory.Exists(Path.Combine(Folder, "node_modules", "@dapr", "dapr")))
        {
            return;
        }

        var message = $"the JavaScript SDK is not installed: run `npm ci --prefix {Folder}`";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }

    /// <summary>Runs <c>node {script}</c> in <see cref="Folder"/>; returns the last stdout line that is a JSON object.
    /// Scripts keep their own deadlines; this one only keeps a hung node from outliving the test.</summary>
    public static async Task<string> RunAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            Assert.Fail($"node {script} did not exit within {Limit.TotalSeconds} s: {await stderr}");
        }

        Assert.True(node.ExitCode == 0, $"node {script} exited with {node.ExitCode}: {await stderr}");
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(line => line.StartsWith('{'));
    }
}
