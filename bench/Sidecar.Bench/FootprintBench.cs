using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sidecar.Bench;

/// <summary>What a person sees under <c>make run</c>, measured in a fresh clone of the repository (its committed state)
/// so that nothing of a developer's build or data is used: the time from the clone to every app and sidecar healthy
/// (restore and build included), the same once built, and the resident set of every process after
/// <see cref="Orders"/> orders have reached a final status; then the same with <c>make run NATIVE=1</c> when clang is
/// there. It needs <c>make run</c>'s ports, so it refuses to start while they are taken.</summary>
public static class FootprintBench
{
    public const int Orders = 100;

    /// <summary>Built starts measured, of which the median is reported: on 2 cores one start moved between 4.8 s and
    /// 6.1 s from run to run.</summary>
    public const int BuiltStarts = 5;

    private static readonly int[] AppPorts = [5101, 5102, 5103, 5104, 5105, 5190];

    private static readonly int[] SidecarPorts = [3501, 3502, 3503, 3504, 3505];

    private const string Token = "footprint-bench";

    private static readonly string[] FinalStatuses = ["Shipped", "Rejected", "Cancelled"];

    public static async Task<FootprintResult> RunAsync(string repoRoot)
    {
        if (AppPorts.Concat(SidecarPorts).FirstOrDefault(port => !Sidecart.Testing.FreePort.IsBindable(port)) is var taken and > 0)
        {
            throw new InvalidOperationException($"port {taken} is taken: stop `make run` before measuring its footprint");
        }

        var clone = Path.Combine(Path.GetTempPath(), "sidecart-footprint", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(clone)!);
        try
        {
            await RunToEndAsync("git", ["clone", "-q", repoRoot, clone], repoRoot);
            var fresh = await MeasureRunAsync(clone, [], placeOrders: false);
            var built = await MeasureBuiltAsync(clone, []);
            RunFootprint? native = null;
            if (HasClang())
            {
                await MeasureRunAsync(clone, ["NATIVE=1"], placeOrders: false); // compiles the native sidecar
                native = await MeasureBuiltAsync(clone, ["NATIVE=1"]);
            }

            return new FootprintResult(fresh.SecondsToHealthy, built, native);
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
    }

    /// <summary>The resident sets after the orders of one run, and the median time to healthy of
    /// <see cref="BuiltStarts"/> starts (that run's among them).</summary>
    private static async Task<RunFootprint> MeasureBuiltAsync(string clone, string[] makeArgs)
    {
        var withOrders = await MeasureRunAsync(clone, makeArgs, placeOrders: true);
        var starts = new List<double> { withOrders.SecondsToHealthy };
        while (starts.Count < BuiltStarts)
        {
            starts.Add((await MeasureRunAsync(clone, makeArgs, placeOrders: false)).SecondsToHealthy);
        }

        return withOrders with { SecondsToHealthy = new Percentiles(starts).P50 };
    }

    private static async Task<RunFootprint> MeasureRunAsync(string clone, string[] makeArgs, bool placeOrders)
    {
        var start = new ProcessStartInfo("make", ["run", .. makeArgs])
        {
            WorkingDirectory = clone,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // make run gives every app random API tokens unless they are set, as here, so the bench can place orders.
        start.Environment["DAPR_API_TOKEN"] = Token;
        start.Environment["APP_API_TOKEN"] = Token;
        var clock = Stopwatch.StartNew();
        using var make = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        make.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        make.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        make.BeginOutputReadLine();
        make.BeginErrorReadLine();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("dapr-api-token", Token);
        try
        {
            await WaitAllHealthyAsync(client, make, output);
            var secondsToHealthy = clock.Elapsed.TotalSeconds;
            if (placeOrders)
            {
                await PlaceOrdersAsync(client);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            return new RunFootprint(secondsToHealthy, ProcFs.ProcessTree(make.Id).Select(p => new ProcessRss(ProcFs.Describe(p), MemoryBench.ResidentKilobytes(p), MemoryBench.ProportionalKilobytes(p))).ToList());
        }
        finally
        {
            // SIGTERM rather than Ctrl-C's SIGINT, which a process started in the background of a shell ignores (and passes
            // that on); the runner stops its apps on either.
            foreach (var pid in ProcFs.ProcessTree(make.Id))
            {
                _ = Sys.Kill(pid, Sys.SigTerm);
            }

            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await make.WaitForExitAsync(stopped.Token);
            }
            catch (OperationCanceledException)
            {
                make.Kill(entireProcessTree: true);
                await make.WaitForExitAsync();
            }

            await WaitPortsFreeAsync();
        }
    }

    private static async Task WaitAllHealthyAsync(HttpClient client, Process make, System.Text.StringBuilder output)
    {
        var urls = AppPorts.Select(p => $"http://127.0.0.1:{p}/healthz").Concat(SidecarPorts.Select(p => $"http://127.0.0.1:{p}/v1.0/healthz")).ToList();
        var deadline = DateTime.UtcNow.AddMinutes(10);
        foreach (var url in urls)
        {
            while (true)
            {
                if (make.HasExited || DateTime.UtcNow > deadline)
                {
                    lock (output)
                    {
                        throw new InvalidOperationException($"make run did not get healthy ({url}):\n{output}");
                    }
                }

                try
                {
                    using var response = await client.GetAsync(url);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(50);
            }
        }
    }

    private static async Task PlaceOrdersAsync(HttpClient client)
    {
        var ids = new List<string>();
        for (var i = 0; i < Orders; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:5102/orders")
            {
                Content = JsonContent.Create(new { customerId = "footprint", items = new[] { new { sku = "HEADLAMP-400", quantity = 1 } } }),
            };
            request.Headers.Add("Idempotency-Key", $"footprint-{Guid.NewGuid():N}");
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            ids.Add(body.RootElement.GetProperty("orderId").GetString()!);
        }

        var deadline = DateTime.UtcNow.AddMinutes(5);
        foreach (var id in ids)
        {
            while (true)
            {
                using var body = JsonDocument.Parse(await client.GetStringAsync($"http://127.0.0.1:5102/orders/{id}"));
                if (FinalStatuses.Contains(body.RootElement.GetProperty("status").GetString()))
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"order {id} did not reach a final status");
                }

                await Task.Delay(200);
            }
        }
    }

    private static async Task WaitPortsFreeAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (AppPorts.Concat(SidecarPorts).Any(port => !Sidecart.Testing.FreePort.IsBindable(port)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
    }

    /// <summary>Native AOT finds clang as <c>clang</c> or a versioned <c>clang-NN</c> (Debian's clang-14).</summary>
    private static bool HasClang() => Environment.GetEnvironmentVariable("PATH")!.Split(':')
        .Any(dir => Directory.Exists(dir) && Directory.EnumerateFiles(dir, "clang*").Any(f => Path.GetFileName(f) == "clang" || Regex.IsMatch(Path.GetFileName(f), @"^clang-\d+$")));

    private static async Task RunToEndAsync(string program, string[] args, string workingDirectory)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { WorkingDirectory = workingDirectory })!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}");
        }
    }

    private static class Sys
    {
        public const int SigTerm = 15;

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}

public sealed record ProcessRss(string Process, long Kilobytes, long ProportionalKilobytes)
{
    public bool IsDashboard => Process.StartsWith("Aspire.Dashboard", StringComparison.Ordinal);
}

/// <summary>One <c>make run</c>: seconds from its start to every app and sidecar healthy, and each process's resident set.</summary>
public sealed record RunFootprint(double SecondsToHealthy, IReadOnlyList<ProcessRss> Processes)
{
    public long TotalKilobytes => Processes.Sum(p => p.Kilobytes);

    public long TotalProportionalKilobytes => Processes.Sum(p => p.ProportionalKilobytes);

    /// <summary>Without the Aspire dashboard, which <c>make run DASHBOARD=0</c> leaves out.</summary>
    public long SystemProportionalKilobytes => Processes.Where(p => !p.IsDashboard).Sum(p => p.ProportionalKilobytes);

    public long SystemKilobytes => Processes.Where(p => !p.IsDashboard).Sum(p => p.Kilobytes);
}

public sealed record FootprintResult(double FreshCloneSecondsToHealthy, RunFootprint Built, RunFootprint? Native);
