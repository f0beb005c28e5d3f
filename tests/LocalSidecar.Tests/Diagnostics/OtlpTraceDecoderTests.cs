using Google.Protobuf;
using Sidecart.Testing.Telemetry;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>The test receiver's two readings of an <c>ExportTraceServiceRequest</c> agree: counting its spans (the
/// bench's receiver) and decoding them (the tests').</summary>
public sealed class OtlpTraceDecoderTests
{
    [Fact]
    public void Counting_the_spans_of_a_request_finds_as_many_as_decoding_them()
    {
        // Two resources: the first with scopes of 3 and 0 spans, the second with one scope of 2.
        var request = Message(
            (1, Message((1, Message((1, KeyValue("service.name", "orders")))), (2, Scope("dapr", 3)), (2, Scope("empty", 0)))),
            (1, Message((1, Message((1, KeyValue("service.name", "payments")))), (2, Scope("dapr", 2)))));

        var decoded = OtlpTraceDecoder.Decode(request).ToList();

        Assert.Equal(5, decoded.Count);
        Assert.Equal(decoded.Count, OtlpTraceDecoder.CountSpans(request));
        Assert.Equal(["orders", "orders", "orders", "payments", "payments"], decoded.Select(s => s.ServiceName));
    }

    private static byte[] Scope(string name, int spans) =>
        Message([(1, Message((1, Text(name)))), .. Enumerable.Range(0, spans).Select(i => (2, Message((5, Text($"span {i}")))))]);

    private static byte[] KeyValue(string key, string value) => Message((1, Text(key)), (2, Message((1, Text(value)))));

    private static byte[] Text(string value) => System.Text.Encoding.UTF8.GetBytes(value);

    /// <summary>A protobuf message of length-delimited fields, in order.</summary>
    private static byte[] Message(params (int Field, byte[] Value)[] fields)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        foreach (var (field, value) in fields)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(value));
        }

        output.Flush();
        return stream.ToArray();
    }
}
