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
/// served a mixed workload, against a bare ASP.NET app process that served as many requests.</summary>
public static class MemoryBench
{
    public const int Requests = 3000;

    public static async Task<MemoryResult> RunAsync(string repoRoot)
    {
        var sidecarDll = Path.Combine(repoRoot, "sidecar", "LocalSidecar", "bin", "Release", "net10.0", "LocalSidecar.dll");
        if (!File.Exists(sidecarDll))
        {
            throw new FileNotFoundException("build the sidecar first: dotnet build -c Release sidecar/LocalSidecar", sidecarDll);
        }

        var sidecarPort = FreePort();
        var sidecarKb = await MeasureAsync(
            sidecarDll,
            ["--app-id", "memory-bench", "--dapr-http-port", sidecarPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--resources-path", "."],
            Path.Combine(repoRoot, "components", "local"),
            sidecarPort,
            SidecarWorkloadAsync);

        var baselinePort = FreePort();
        var baselineKb = await MeasureAsync(
            typeof(MemoryBench).Assembly.Location,
            ["--minimal-app", baselinePort.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            repoRoot,
            baselinePort,
            async client =>
            {
                for (var i = 0; i < Requests; i++)
                {
                    (await client.GetAsync("/")).EnsureSuccessStatusCode();
                }
            });
        return new MemoryResult(sidecarKb, baselineKb);
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

    private static async Task<long> MeasureAsync(string dll, string[] args, string workingDirectory, int port, Func<HttpClient, Task> workload)
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
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    if ((await client.GetAsync("/v1.0/healthz")).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                }

                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"{Path.GetFileName(dll)} did not start: {errors}");
                }

                await Task.Delay(50);
            }

            await workload(client);
            await Task.Delay(500);
            return ResidentKilobytes(process.Id);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

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

public sealed record MemoryResult(long SidecarKilobytes, long BaselineKilobytes);
