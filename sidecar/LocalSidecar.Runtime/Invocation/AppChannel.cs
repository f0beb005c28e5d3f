using System.Net.Sockets;
using LocalSidecar.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Invocation;

/// <summary>The sidecar's connection to its app: waits for the app's port, tracks its health (probing
/// <c>appHealthCheckPath</c> when health checks are on) and sends requests with <c>dapr-api-token</c> added.
/// While the app is not healthy, nothing is delivered to it.</summary>
public sealed class AppChannel : IAsyncDisposable
{
    private readonly SidecarOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stopping = new();
    private volatile TaskCompletionSource _healthy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _monitor;

    public AppChannel(SidecarOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        BaseAddress = new Uri($"http://{options.AppChannelAddress}:{options.AppPort}");
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            // As on the sidecar-to-sidecar hop (SidecarHopClient): traceparent is set on each call to the app.
            ActivityHeadersPropagator = null,
        })
        {
            BaseAddress = BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Uri BaseAddress { get; }

    public bool IsHealthy => _healthy.Task.IsCompletedSuccessfully;

    /// <summary>Completes once the app is reachable (and healthy, when health checks are on).</summary>
    public Task WaitHealthyAsync(CancellationToken cancellationToken) => _healthy.Task.WaitAsync(cancellationToken);

    public void Start() => _monitor = Task.Run(() => MonitorAsync(_stopping.Token));

    /// <summary>Sends a request to the app. The caller owns the response.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        if (_options.AppApiToken is { Length: > 0 } token)
        {
            request.Headers.Remove("dapr-api-token");
            request.Headers.TryAddWithoutValidation("dapr-api-token", token);
        }

        return _client.SendAsync(request, completion, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_monitor is not null)
        {
            try
            {
                await _monitor;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _client.Dispose();
        _stopping.Dispose();
    }

    private async Task MonitorAsync(CancellationToken ct)
    {
        await WaitForPortAsync(ct);
        if (!_options.EnableAppHealthCheck)
        {
            _healthy.TrySetResult();
            _logger.LogInformation("App is listening on {AppAddress}", BaseAddress);
            return;
        }

        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            if (await ProbeAsync(ct))
            {
                failures = 0;
                if (_healthy.TrySetResult())
                {
                    _logger.LogInformation("App is healthy at {AppAddress}{HealthPath}", BaseAddress, _options.AppHealthCheckPath);
                }
            }
            else if (++failures >= _options.AppHealthThreshold && IsHealthy)
            {
                _healthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _logger.LogWarning("App is unhealthy after {Failures} failed probes: delivery paused", failures);
            }

            await Task.Delay(_options.AppHealthProbeInterval, ct);
        }
    }

    private async Task<bool> ProbeAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.AppHealthProbeTimeout);
        try
        {
            // The health probe goes without the app token, as daprd sends it.
            using var response = await _client.GetAsync(_options.AppHealthCheckPath, timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task WaitForPortAsync(CancellationToken ct)
    {
        var logged = DateTime.UtcNow;
        while (true)
        {
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(_options.AppChannelAddress, _options.AppPort!.Value, ct);
                return;
            }
            catch (SocketException)
            {
                if (DateTime.UtcNow - logged > TimeSpan.FromSeconds(10))
                {
                    _logger.LogInformation("Still waiting for the app on port {AppPort}", _options.AppPort);
                    logged = DateTime.UtcNow;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
            }
        }
    }
}
