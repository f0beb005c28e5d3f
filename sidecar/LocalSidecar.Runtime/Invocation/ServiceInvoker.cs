using LocalSidecar.Diagnostics;
using System.Net;
using System.Diagnostics;
using LocalSidecar.Api.Universal;
using LocalSidecar.Hosting;
using LocalSidecar.Resiliency;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Invocation;

/// <summary>The caller side of service invocation: resolves the target app id, picks an instance round-robin and
/// calls that instance's sidecar over HTTP on its internal port, applying the app's resiliency retry and timeout.
/// A call to this sidecar's own app id goes straight to its app, as daprd does.</summary>
public sealed class ServiceInvoker : IDisposable
{
    /// <summary>Instances tried per call when connecting fails (a replica that just went away).</summary>
    private const int InstanceAttempts = 3;

    private const string HostAddress = "127.0.0.1";

    private static readonly string HostName = Dns.GetHostName();

    private readonly SidecarContext _context;
    private readonly AppForwarder _local;
    private readonly RoundRobinBalancer _balancer = new();
    private readonly SidecarHop _hop;
    private readonly ILogger _logger;

    public ServiceInvoker(SidecarContext context, AppForwarder local)
    {
        _context = context;
        _local = local;
        _logger = context.LoggerFactory.CreateLogger("LocalSidecar.Invocation");
        _hop = new SidecarHop(context.Identity);
    }

    /// <summary>Invokes the method on <paramref name="rawTarget"/> and returns the target app's response (headers read,
    /// body still to be read). This sidecar's failures, and the app's failures once no retry is left, are thrown as
    /// <c>ERR_DIRECT_INVOKE</c>, except that a failing status from the app is returned as the app's answer.</summary>
    public async Task<HttpResponseMessage> InvokeAsync(string rawTarget, InvocationRequest request, CancellationToken cancellationToken)
    {
        if (!InvocationTarget.TryParse(rawTarget, out var target, out var invalid))
        {
            throw DaprErrors.DirectInvoke(rawTarget, invalid).ToException();
        }

        request = request with { PathAndQuery = InvocationMethod.Normalize(rawTarget, request.PathAndQuery) };

        var retry = _context.Resiliency.AppRetry(target.AppId);
        var timeout = _context.Resiliency.AppTimeout(target.AppId);
        var breaker = _context.Resiliency.AppCircuitBreaker(target.AppId, $"{target.AppId}/{request.PathAndQuery.Split('?')[0].TrimStart('/')}");
        var policies = new AppliedPolicies(_context, $"app_{target.AppId}", "outbound", timeout is not null, retry is not null, breaker);
        if (retry is not null)
        {
            request = request with { Body = await request.Body.BufferAsync(cancellationToken) };
        }

        var retries = 0;
        var delay = TimeSpan.Zero;
        var denied = false;
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout is { } limit)
            {
                attempt.CancelAfter(limit);
            }

            string failure;
            denied = false;
            var stateBefore = breaker?.State;
            if (breaker?.TryEnter() is { } refused)
            {
                // An open breaker ends the call at once: daprd's retry does not retry it.
                throw DaprErrors.DirectInvoke(rawTarget, refused).ToException();
            }

            var succeeded = false;
            try
            {
                var response = await SendAsync(request, target, attempt.Token);
                var code = (int)response.StatusCode;
                var failedStatus = code is < 200 or >= 400;
                succeeded = !failedStatus;
                if (!failedStatus || retry is null || !retry.AllowsAnotherAttempt(retries))
                {
                    return response;
                }

                response.Dispose();
                failure = $"app answered {code}";
            }
            catch (InvocationFailedException e)
            {
                failure = e.Message;
                denied = e.PermissionDenied;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"timeout: no answer within {timeout!.Value.TotalMilliseconds:0}ms";
                policies.TimeoutExpired();
            }
            finally
            {
                if (breaker is not null)
                {
                    breaker.Complete(succeeded);
                    if (breaker.State != stateBefore)
                    {
                        policies.CircuitBreakerChanged(breaker.State);
                    }
                }
            }

            if (retry is null || !retry.AllowsAnotherAttempt(retries))
            {
                throw (denied ? DaprErrors.DirectInvokeDenied(rawTarget, failure) : DaprErrors.DirectInvoke(rawTarget, failure)).ToException();
            }

            retries++;
            policies.Retrying();
            delay = retry.DelayBefore(retries, delay);
            _logger.LogDebug("Invocation of {AppId} failed ({Failure}); retry {Retry} of policy {Policy} in {Delay}", target.AppId, failure, retries, retry.Name, delay);
            await Task.Delay(delay, cancellationToken);
        }
    }

    public void Dispose() => _hop.Dispose();

    private async Task<HttpResponseMessage> SendAsync(InvocationRequest request, InvocationTarget callee, CancellationToken cancellationToken)
    {
        var appId = callee.AppId;
        if (appId == _context.AppId)
        {
            return await _local.SendAsync(request, _context.AppId, cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            var instances = _context.Options.Environment.NameResolver.Resolve(appId);
            if (instances.Count == 0)
            {
                throw new InvocationFailedException($"couldn't find service: {appId}");
            }

            var instance = instances[_balancer.Next(appId, instances.Count)];
            var target = new Uri(instance.InternalBaseUri, $"{Sidecar.InternalPrefix}/invoke{request.PathAndQuery}");
            var message = HttpForwarding.CreateRequest(request, target);
            AddHopHeaders(message, appId, request);
            HttpResponseMessage response;
            try
            {
                response = await _hop.For(appId, callee.Namespace).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && attempt < InstanceAttempts)
            {
                _logger.LogDebug("Instance {InstanceId} of {AppId} at {Address} is unreachable ({Error}); trying the next one",
                    instance.InstanceId, appId, instance.InternalBaseUri, e.Message);
                continue;
            }
            catch (HttpRequestException e)
            {
                throw new InvocationFailedException(HopFailure.Describe(e));
            }

            if (response.Headers.Contains(InvocationHeaders.TargetSidecarFailure))
            {
                using (response)
                {
                    throw new InvocationFailedException(await response.Content.ReadAsStringAsync(cancellationToken), response.StatusCode == HttpStatusCode.Forbidden);
                }
            }

            return response;
        }
    }

    private void AddHopHeaders(HttpRequestMessage message, string calleeAppId, InvocationRequest incoming)
    {
        HttpForwarding.Set(message, InvocationHeaders.CallerAppId, _context.AppId);
        HttpForwarding.Set(message, InvocationHeaders.CalleeAppId, calleeAppId);
        if (_context.Telemetry.Tracing.Outgoing(incoming.Header(InvocationHeaders.TraceParent)) is { } traceparent)
        {
            HttpForwarding.Set(message, InvocationHeaders.TraceParent, traceparent);
        }

        // Appended to any values the caller sent, as daprd does.
        message.Headers.TryAddWithoutValidation("X-Forwarded-For", HostAddress);
        message.Headers.TryAddWithoutValidation("X-Forwarded-Host", HostName);
        message.Headers.TryAddWithoutValidation("Forwarded", $"for={HostAddress};by={HostAddress};host={HostName}");
    }
}
