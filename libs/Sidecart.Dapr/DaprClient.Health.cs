namespace Sidecart.Dapr;

// Sidecar readiness: GET /v1.0/healthz/outbound (https://docs.dapr.io/reference/api/health_api/).
public sealed partial class DaprClient
{
    /// <summary>True once the sidecar has loaded its components and can serve outbound calls.</summary>
    public async Task<bool> CheckOutboundHealthAsync(CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Get, "v1.0/healthz/outbound");
        try
        {
            using var response = await SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>
    /// Polls the outbound health endpoint until the sidecar is ready, for at most
    /// <see cref="DaprClientOptions.SidecarHealthTimeout"/> (<c>DAPR_HEALTH_TIMEOUT</c>); throws <see cref="TimeoutException"/> after that.
    /// </summary>
    public async Task WaitForSidecarAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.SidecarHealthTimeout);
        try
        {
            while (!await CheckOutboundHealthAsync(timeout.Token))
            {
                await Task.Delay(_options.SidecarHealthPollInterval, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The Dapr sidecar at {HttpEndpoint} was not ready within {_options.SidecarHealthTimeout}.");
        }
    }
}
