using LocalSidecar.Diagnostics;
using LocalSidecar.Hosting;

namespace LocalSidecar.Invocation;

/// <summary>The target side of an invocation: sends it to this sidecar's own app through the <see cref="AppChannel"/>
/// (which adds the app token) as a new span of the caller's trace, with <c>dapr-callee-app-id</c> set.</summary>
public sealed class AppForwarder(SidecarContext context)
{
    /// <param name="callerAppId">Set for a call that did not come over a sidecar hop (which carries the caller's id).</param>
    public async Task<HttpResponseMessage> SendAsync(InvocationRequest request, string? callerAppId, CancellationToken cancellationToken)
    {
        if (context.AppChannel is not { } channel)
        {
            throw new InvocationFailedException("app channel is not initialized (the sidecar has no app port)");
        }

        if (!channel.IsHealthy)
        {
            throw new InvocationFailedException("app is not in a healthy state");
        }

        var message = HttpForwarding.CreateRequest(request, new Uri(request.PathAndQuery, UriKind.Relative));
        if (callerAppId is not null)
        {
            HttpForwarding.Set(message, InvocationHeaders.CallerAppId, callerAppId);
        }

        HttpForwarding.Set(message, InvocationHeaders.CalleeAppId, context.AppId);
        if (context.Telemetry.Tracing.Outgoing(request.Header(InvocationHeaders.TraceParent)) is { } traceparent)
        {
            HttpForwarding.Set(message, InvocationHeaders.TraceParent, traceparent);
        }
        try
        {
            return await channel.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new InvocationFailedException($"error invoking app channel: {e.Message}");
        }
    }
}
