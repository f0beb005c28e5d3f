using System.Diagnostics;

namespace LocalSidecar.Invocation;

/// <summary>W3C trace context for a forwarded call: each sidecar hop is a new span of the caller's trace, or the
/// first span of a new trace when the caller sent none.</summary>
public static class TraceContext
{
    public static string NextSpan(string? incomingTraceParent)
    {
        var span = ActivitySpanId.CreateRandom().ToHexString();
        if (incomingTraceParent is { Length: > 0 } && ActivityContext.TryParse(incomingTraceParent, null, out var parent))
        {
            var flags = (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
            return $"00-{parent.TraceId.ToHexString()}-{span}-{flags}";
        }

        return $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{span}-01";
    }
}
