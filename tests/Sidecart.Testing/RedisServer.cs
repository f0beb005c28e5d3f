using System.Diagnostics;

namespace Sidecart.Testing;

/// <summary>A private <c>redis-server</c> (Debian's package; <c>.ci/run</c> installs it) on a free loopback port, with its
/// own data folder, for tests of the Redis components. Killed with its folder on dispose.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string Program = "redis-server";
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);

    private readonly string _folder;
    private readonly bool _appendOnly;
    private Process? _process;

    private RedisServer(string folder, bool appendOnly)
    {
        _folder = folder;
        _appendOnly = appendOnly;
    }

    public int Port { get; private set; }

    /// <summary>The address as daprd's <c>redisHost</c> metadata takes it.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Why no server can be started here (the program is not on PATH), or null when one can.</summary>
    public static string? Unavailable() =>
        FindOnPath(Program) is null
            ? $"{Program} is not installed: `apt-get install redis-server` (.ci/run does it on a fresh machine)"
            : null;

    /// <summary>For a test that needs a server: skips it when the program is missing, or fails it under <c>CI=true</c>,
    /// where <c>.ci/run</c> installs the program.</summary>
    public static void Require()
    {
        if (Unavailable() is not { } reason)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            Xunit.Assert.Fail(reason);
        }

        Xunit.Assert.Skip(reason);
    }

    /// <summary>Starts a server. With <paramref name="appendOnly"/> every write goes to its append-only file, so a
    /// server killed with <see cref="KillAsync"/> and started again with <see cref="RestartAsync"/> keeps its data.</summary>
    public static async Task<RedisServer> StartAsync(bool appendOnly = false)
    {
        if (Unavailable() is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var folder = Directory.CreateTempSubdirectory("sidecart-redis-").FullName;
        var server = new RedisServer(folder, appendOnly);
        try
        {
            await server.StartOnAFreePortAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A <c>statestore</c> component of type <c>state.redis</c> on this server, registered as the actor state
    /// store (actor state, reminders, workflows).</summary>
    public string ActorStateStoreComponent() => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: statestore
        spec:
          type: state.redis
          version: v1
          metadata:
          - name: redisHost
            value: {Host}
          - name: actorStateStore
            value: "true"
        """;

    /// <summary>kill -9, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Starts the server again on the same port and folder, after <see cref="KillAsync"/>.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _process = await StartAsync(Port) ?? throw new InvalidOperationException(
            $"{Program} could not listen again on port {Port}: another process took it");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing; the folder lives under the temp directory and is harmless.
        }
    }

    private async Task StartOnAFreePortAsync()
    {
        // A port picked and released may be taken before redis-server binds it; only then is another one tried.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var process = await StartAsync(port);
            if (process is not null)
            {
                Port = port;
                _process = process;
                return;
            }

            if (attempt == 5)
            {
                throw new InvalidOperationException($"{Program} found no free port in {attempt} attempts");
            }
        }
    }

    /// <summary>The started process once it accepts connections, or null when the port was already in use.</summary>
    private async Task<Process?> StartAsync(int port)
    {
        var start = new ProcessStartInfo(Program)
        {
            WorkingDirectory = _folder,
            // Not the test process's own stdin: xunit's runner controls its test process through it.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[]
                 {
                     "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", _folder, "--save", "",
                     "--appendonly", _appendOnly ? "yes" : "no", "--appendfsync", "always", "--daemonize", "no",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Program} did not start");
        var output = new List<string>();
        using var deadline = new CancellationTokenSource(StartLimit);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                lock (output)
                {
                    output.Add(line);
                }

                if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
                {
                    _ = DrainAsync(process);
                    return process;
                }

                if (line.Contains("Address already in use", StringComparison.Ordinal))
                {
                    await StopAsync(process);
                    return null;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Falls through to the failure below, with what the server printed.
        }

        await StopAsync(process);
        throw new InvalidOperationException(
            $"{Program} on port {port} was not ready within {StartLimit.TotalSeconds} s:{Environment.NewLine}" +
            string.Join(Environment.NewLine, output));
    }

    private static async Task DrainAsync(Process process)
    {
        // An unread pipe fills and blocks the server's logging; what it says after start is not needed.
        try
        {
            while (await process.StandardOutput.ReadLineAsync() is not null)
            {
            }
        }
        catch (InvalidOperationException)
        {
            // The process was disposed.
        }
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, program))
        .FirstOrDefault(File.Exists);
}
