using Microsoft.Extensions.Logging;

namespace LocalSidecar.Security;

/// <summary>One sidecar's current workload certificate: requested from Sentry at start (trust domain <c>public</c>,
/// as self-hosted Sentry assigns it) and renewed with a new key half-way through its validity, retried every 10s
/// when renewal fails, as daprd renews.</summary>
public sealed class WorkloadIdentity : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    private readonly MtlsOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private volatile WorkloadCertificate _current;
    private readonly Task _renewal;

    private WorkloadIdentity(MtlsOptions options, SpiffeId id, ILogger logger)
    {
        _options = options;
        _logger = logger;
        Id = id;
        Verifier = new SvidVerifier(options.TrustAnchors, options.Sentry.IssuerChain);
        _current = Request();
        _renewal = Task.Run(RenewAsync);
    }

    public SpiffeId Id { get; }

    public WorkloadCertificate Current => _current;

    /// <summary>Checks peers against this sidecar's trust anchors.</summary>
    public SvidVerifier Verifier { get; }

    /// <summary>Raised after each renewal (tests watch it).</summary>
    public event Action<WorkloadCertificate>? Renewed;

    public static WorkloadIdentity Start(string appId, MtlsOptions options, ILogger logger) =>
        new(options, new SpiffeId(SpiffeId.PublicTrustDomain, options.Namespace, appId), logger);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _renewal;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private WorkloadCertificate Request()
    {
        var certificate = _options.Sentry.Issue(Id, _options.WorkloadCertTtl, _options.AllowedClockSkew);
        _logger.LogInformation("Workload certificate for {SpiffeId} issued: serial {Serial}, valid until {NotAfter:o}, renewal at {RenewAt:o}",
            Id.ToString(), certificate.Leaf.SerialNumber, certificate.NotAfter, certificate.RenewAt);
        return certificate;
    }

    private async Task RenewAsync()
    {
        var token = _stopping.Token;
        var wait = _current.RenewAt - DateTimeOffset.UtcNow;
        while (!token.IsCancellationRequested)
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, token);
            }

            try
            {
                _current = Request();
                Renewed?.Invoke(_current);
                wait = _current.RenewAt - DateTimeOffset.UtcNow;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning("Renewing the workload certificate of {SpiffeId} failed: {Error}; retrying in {Delay}", Id.ToString(), e.Message, RetryDelay);
                wait = RetryDelay;
            }
        }
    }
}
