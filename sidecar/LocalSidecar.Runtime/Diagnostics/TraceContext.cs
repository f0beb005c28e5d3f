using System.Diagnostics;

namespace LocalSidecar.Diagnostics;

/// <summary>W3C trace context (<c>traceparent</c>, <c>tracestate</c>) as carried in CloudEvents, headers and gRPC
/// metadata.</summary>
public sealed record TraceContext(string Traceparent, string Tracestate)
{
    /// <summary>A span under the caller's <c>traceparent</c> when it is valid, else the root of a new trace.</summary>
    public static TraceContext ChildOf(string? traceparent, string? tracestate)
    {
        var parent = TryParse(traceparent, out var traceId, out var flags);
        var child = parent
            ? $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-{flags}"
            : $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        return new TraceContext(child, parent ? tracestate ?? "" : "");
    }

    /// <summary>A span under <paramref name="traceparent"/>, or null when it is not a valid traceparent.</summary>
    public static string? ChildSpan(string? traceparent) =>
        TryParse(traceparent, out var traceId, out var flags) ? $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-{flags}" : null;

    /// <summary>The <c>traceparent</c> of a forwarded call: each sidecar hop is a new span of the caller's trace, or the
    /// first span of a new trace when the caller sent none.</summary>
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

    private static bool TryParse(string? traceparent, out string traceId, out string flags)
    {
        traceId = "";
        flags = "";
        var parts = traceparent?.Split('-');
        if (parts is not [{ Length: 2 } version, { Length: 32 } trace, { Length: 16 } span, { Length: 2 } traceFlags]
            || version == "ff" || !new[] { version, trace, span, traceFlags }.All(IsLowerHex)
            || trace.All(c => c == '0') || span.All(c => c == '0'))
        {
            return false;
        }

        traceId = trace;
        flags = traceFlags;
        return true;
    }

    private static bool IsLowerHex(string s) => s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
