using System.Diagnostics;

namespace LocalSidecar.Diagnostics;

/// <summary>The <c>grpc-trace-bin</c> metadata daprd reads before <c>traceparent</c> and writes on its gRPC answers: the
/// 29-byte OpenCensus binary form (version 0; field 0 + trace id, field 1 + span id, field 2 + options), base64 on the
/// wire as every <c>-bin</c> entry is.</summary>
public static class GrpcTraceBin
{
    public const string Header = "grpc-trace-bin";

    private const int Length = 29;

    /// <summary>The remote parent in a header value (base64, as HTTP/2 carries it); false when absent or malformed.</summary>
    public static bool TryRead(string? base64, out ActivityContext context)
    {
        context = default;
        if (base64 is not { Length: > 0 and <= 64 })
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[48];
        // gRPC may send the value unpadded.
        var padded = (base64.Length % 4) switch { 2 => base64 + "==", 3 => base64 + "=", _ => base64 };
        if (!Convert.TryFromBase64String(padded, bytes, out var written))
        {
            return false;
        }

        return TryRead(bytes[..written], out context);
    }

    /// <summary>The remote parent in the binary form; false unless it is version 0 with a non-zero trace and span id.</summary>
    public static bool TryRead(ReadOnlySpan<byte> value, out ActivityContext context)
    {
        context = default;
        if (value.Length < 27 || value[0] != 0 || value[1] != 0 || value[18] != 1)
        {
            return false;
        }

        var traceId = value.Slice(2, 16);
        var spanId = value.Slice(19, 8);
        if (!traceId.ContainsAnyExcept((byte)0) || !spanId.ContainsAnyExcept((byte)0))
        {
            return false;
        }

        var flags = value.Length >= Length && value[27] == 2 && (value[28] & 1) != 0 ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None;
        context = new ActivityContext(ActivityTraceId.CreateFromBytes(traceId), ActivitySpanId.CreateFromBytes(spanId), flags, isRemote: true);
        return true;
    }

    /// <summary>The span's context as a header value (base64 of the 29 bytes; only the sampled bit of the flags).</summary>
    public static string Write(Activity span)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = 0;
        bytes[1] = 0;
        span.TraceId.CopyTo(bytes.Slice(2, 16));
        bytes[18] = 1;
        span.SpanId.CopyTo(bytes.Slice(19, 8));
        bytes[27] = 2;
        bytes[28] = (byte)(span.ActivityTraceFlags & ActivityTraceFlags.Recorded);
        return Convert.ToBase64String(bytes);
    }
}
