using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sidecar.Bench;

/// <summary>Resident memory of one local sidecar process (the CLI with the embedded default components) after it has
/// served a mixed workload, against a bare ASP.NET app process that served as many requests; and the memory each
/// additional sidecar costs when, as under the runner, several share one process.</summary>
public static class MemoryBench
{
    public const int Requests = 3000;

    public const int SharedSidecars = 6;

    public static async Task<MemoryResult> RunAsync(string repoRoot)
    {
        var sidecarDll = Path.Combine(repoRoot, "sidecar", "LocalSidecar", "bin", "Release", "net10.0", "LocalSidecar.dll");
        if (!File.Exists(sidecarDll))
        {
            throw new FileNotFoundException("build the sidecar first: dotnet build -c Release sidecar/LocalSidecar", sidecarDll);
        }

        var sidecarPort = FreePort();
        var localProfile = Path.Combine(repoRoot, "components", "local");
        var sidecarKb = await MeasureAsync(
            sidecarDll,
            ["--app-id", "memory-bench", "--dapr-http-port", Invariant(sidecarPort), "--metrics-port", Invariant(FreePort()), "--resources-path", "."],
            localProfile,
            [sidecarPort],
            SidecarWorkloadAsync);

        var oneHostedKb = await MeasureHostedAsync(1, localProfile);
        var manyHostedKb = await MeasureHostedAsync(SharedSidecars, localProfile);

        var baselinePort = FreePort();
        var baselineKb = await MeasureAsync(
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
        return new MemoryResult(sidecarKb, baselineKb, oneHostedKb, manyHostedKb);
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
                AppId = $"memory-bench-{i}",
                DaprHttpPort = basePort + i,
                ResourcesPaths = ["."],
                Environment = environment,
                LoggerFactory = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            });
        }

        await Task.Delay(Timeout.Infinite);
    }

    private static Task<long> MeasureHostedAsync(int count, string localProfile)
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
            SidecarWorkloadAsync);
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

    private static async Task SidecarWorkloadAsync(HttpClient client)
    {
        for (var i = 0; i < Requests; i++)
        {
            var response = (i % 4) switch
            {
                0 => await client.PostAsJsonAsync("/v1.0/state/statestore", new[] { new { key = $"bench-{i % 100}", value = new { i, pad = new string('x', 512) } } }),
                1 => await client.GetAsync($"/v1.0/state/statestore/bench-{i % 100}"),
                2 => await client.PostAsJsonAsync("/v1.0/publish/pubsub/memory-bench", new { i }),
                _ => await client.GetAsync("/v1.0/metadata"),
            };
            using (response)
            {
                response.EnsureSuccessStatusCode();
            }
        }
    }

    private static async Task<long> MeasureAsync(string dll, string[] args, string workingDirectory, int[] ports, Func<HttpClient, Task> workload)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
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
            foreach (var port in ports)
            {
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                await WaitHealthyAsync(client, process, errors);
                await workload(client);
            }

            await Task.Delay(500);
            return ResidentKilobytes(process.Id);
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
                throw new InvalidOperationException($"{process.StartInfo.ArgumentList[0]} did not start: {errors}");
            }

            await Task.Delay(50);
        }
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static long ResidentKilobytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed record MemoryResult(long SidecarKilobytes, long BaselineKilobytes, long OneHostedKilobytes, long ManyHostedKilobytes)
{
    /// <summary>What each sidecar beyond the first adds to a process that hosts several (the runner's case).</summary>
    public double PerAdditionalHostedKilobytes => (ManyHostedKilobytes - OneHostedKilobytes) / (double)(MemoryBench.SharedSidecars - 1);
}
