using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sidecar.Bench;

/// <summary>Resident memory of one local sidecar process (the CLI with the embedded default components), idle and after
/// it has served state calls, against a bare ASP.NET app process measured the same way; the same for the native
/// sidecar (<c>make sidecar-native</c>) when it has been built; and the memory each additional sidecar costs when, as
/// under the runner, several share one process.</summary>
public static class MemoryBench
{
    public const int Requests = 10_000;

    public const int SharedSidecars = 6;

    /// <summary>components/local scopes its state store to the shop's apps: the measured sidecars take their ids.</summary>
    private static readonly string[] ScopedAppIds = ["catalog", "ordering", "inventory", "payments", "shipping"];

    public static async Task<MemoryResult> RunAsync(string repoRoot)
    {
        var sidecarDll = Path.Combine(repoRoot, "sidecar", "LocalSidecar", "bin", "Release", "net10.0", "LocalSidecar.dll");
        if (!File.Exists(sidecarDll))
        {
            throw new FileNotFoundException("build the sidecar first: dotnet build -c Release sidecar/LocalSidecar", sidecarDll);
        }

        var localProfile = Path.Combine(repoRoot, "components", "local");
        var sidecar = await MeasureSidecarAsync(sidecarDll, localProfile);
        var nativeSidecar = File.Exists(NativeSidecar(repoRoot)) ? await MeasureSidecarAsync(NativeSidecar(repoRoot), localProfile) : null;

        var oneHostedKb = await MeasureHostedAsync(1, localProfile);
        var manyHostedKb = await MeasureHostedAsync(SharedSidecars, localProfile);

        var baselinePort = FreePort();
        var baseline = await MeasureAsync(
            typeof(MemoryBench).Assembly.Location,
            ["--minimal-app", Invariant(baselinePort)],
            repoRoot,
            [baselinePort],
            async client =>
            {
                for (var i = 0; i < Requests; i++)
                {
                    (await client.GetAsync("/")).EnsureSuccessStatusCode();
                }
            });
        return new MemoryResult(sidecar, nativeSidecar, baseline, oneHostedKb.After, manyHostedKb.After);
    }

    public static string NativeSidecar(string repoRoot) => Path.Combine(repoRoot, ".build", "sidecar-native", "LocalSidecar");

    private static Task<Rss> MeasureSidecarAsync(string executable, string localProfile)
    {
        var httpPort = FreePort();
        var grpcPort = FreePort();
        return MeasureAsync(
            executable,
            ["--app-id", ScopedAppIds[0], "--dapr-http-port", Invariant(httpPort), "--dapr-grpc-port", Invariant(grpcPort), "--metrics-port", Invariant(FreePort()), "--resources-path", "."],
            localProfile,
            [httpPort],
            StateWorkloadAsync);
    }

    /// <summary>The hosting process for the shared measurement: <paramref name="count"/> sidecars in one process, as the
    /// runner hosts them, on consecutive ports from <paramref name="basePort"/>.</summary>
    public static async Task HostSidecarsAsync(int count, int basePort)
    {
        var environment = new LocalSidecar.Hosting.SidecarEnvironment(
            new LocalSidecar.NameResolution.FileNameResolver(Path.Combine(Path.GetTempPath(), "sidecart-bench", Guid.NewGuid().ToString("N"))));
        for (var i = 0; i < count; i++)
        {
            await LocalSidecar.Hosting.Sidecar.StartAsync(new LocalSidecar.Hosting.SidecarOptions
            {
                AppId = ScopedAppIds[i % ScopedAppIds.Length],
                DaprHttpPort = basePort + i,
                ResourcesPaths = ["."],
                Environment = environment,
                LoggerFactory = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            });
        }

        await Task.Delay(Timeout.Infinite);
    }

    private static Task<Rss> MeasureHostedAsync(int count, string localProfile)
    {
        var basePort = FreePort();
        while (!Enumerable.Range(basePort, count).All(Sidecart.Testing.FreePort.IsBindable))
        {
            basePort = FreePort();
        }

        return MeasureAsync(
            typeof(MemoryBench).Assembly.Location,
            ["--host-sidecars", Invariant(count), Invariant(basePort)],
            localProfile,
            Enumerable.Range(basePort, count).ToArray(),
            StateWorkloadAsync);
    }

    /// <summary>The baseline process: an empty ASP.NET app answering one route, nothing else.</summary>
    public static async Task RunMinimalAppAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGet("/", () => "ok");
        app.MapGet("/v1.0/healthz", () => Results.NoContent());
        await app.RunAsync();
    }

    private static async Task StateWorkloadAsync(HttpClient client)
    {
        for (var i = 0; i < Requests; i++)
        {
            using var response = i % 2 == 0
                ? await client.PostAsJsonAsync("/v1.0/state/statestore", new[] { new { key = $"bench-{i % 100}", value = new { i, pad = new string('x', 200) } } })
                : await client.GetAsync($"/v1.0/state/statestore/bench-{i % 100}");
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Starts the program (a .dll through <c>dotnet</c>, or an executable), takes its resident set once it is
    /// healthy and settled, runs the workload against each port, and takes it again.</summary>
    private static async Task<Rss> MeasureAsync(string program, string[] args, string workingDirectory, int[] ports, Func<HttpClient, Task> workload)
    {
        var isDll = program.EndsWith(".dll", StringComparison.Ordinal);
        var start = new ProcessStartInfo(isDll ? "dotnet" : program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (isDll)
        {
            start.ArgumentList.Add(program);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => errors.AppendLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var clients = ports.Select(port => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") }).ToList();
            foreach (var client in clients)
            {
                await WaitHealthyAsync(client, process, errors);
            }

            await Task.Delay(1000);
            var idle = ResidentKilobytes(process.Id);
            foreach (var client in clients)
            {
                await workload(client);
                client.Dispose();
            }

            await Task.Delay(1000);
            return new Rss(idle, ResidentKilobytes(process.Id));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task WaitHealthyAsync(HttpClient client, Process process, System.Text.StringBuilder errors)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/v1.0/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)} did not start: {errors}");
            }

            await Task.Delay(50);
        }
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static long ResidentKilobytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The proportional set: each page shared with other processes (the .NET framework's files, mapped by every
    /// app) counted as a share of it, so that the sum over processes is what the machine holds.</summary>
    public static long ProportionalKilobytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/smaps_rollup").First(l => l.StartsWith("Pss:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A process's resident set in KB once healthy and idle, and after its workload.</summary>
public sealed record Rss(long Idle, long After);

public sealed record MemoryResult(Rss Sidecar, Rss? NativeSidecar, Rss Baseline, long OneHostedKilobytes, long ManyHostedKilobytes)
{
    public long BaselineKilobytes => Baseline.After;

    /// <summary>What each sidecar beyond the first adds to a process that hosts several (the runner's case).</summary>
    public double PerAdditionalHostedKilobytes => (ManyHostedKilobytes - OneHostedKilobytes) / (double)(MemoryBench.SharedSidecars - 1);
}
