namespace Sidecar.Bench;

/// <summary>Latency a call through two local sidecars (caller's and callee's, with the sidecar-to-sidecar hop between
/// them) adds over calling the app directly, at a fixed request rate with 1 KB bodies.</summary>
public static class InvocationBench
{
    public static async Task<InvocationResult> RunAsync(int requestsPerSecond, TimeSpan duration)
    {
        await using var app = await BenchApp.StartAsync("unused");
        await using var sidecars = new BenchSidecars();
        var callee = await sidecars.StartAsync("echo", app.Port);
        var caller = await sidecars.StartAsync("caller", null);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 });
        var body = new byte[1024];
        Random.Shared.NextBytes(body);
        var direct = new Uri($"http://127.0.0.1:{app.Port}/echo");
        var viaSidecars = new Uri(caller.HttpEndpoint, "/v1.0/invoke/echo/method/echo");
        _ = callee;

        async Task Call(Uri uri)
        {
            using var content = new ByteArrayContent(body);
            using var response = await client.PostAsync(uri, content);
            var echoed = await response.Content.ReadAsByteArrayAsync();
            if (!response.IsSuccessStatusCode || echoed.Length != body.Length)
            {
                throw new InvalidOperationException($"call to {uri} failed: {(int)response.StatusCode}");
            }
        }

        // Warm both paths (JIT, connection pools) before measuring; then each runs at the given rate, interleaved.
        await FixedRateLoad.RunAsync(2 * requestsPerSecond, TimeSpan.FromSeconds(3), () => Call(direct), () => Call(viaSidecars));
        var measured = await FixedRateLoad.RunAsync(2 * requestsPerSecond, duration, () => Call(direct), () => Call(viaSidecars));
        return new InvocationResult(requestsPerSecond, measured[0], measured[1]);
    }
}

public sealed record InvocationResult(int RequestsPerSecond, Percentiles Direct, Percentiles ViaSidecars)
{
    public double AddedP50 => ViaSidecars.P50 - Direct.P50;

    public double AddedP99 => ViaSidecars.P99 - Direct.P99;
}
