using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sidecart.Testing.Telemetry;

/// <summary>A span as an OTLP collector receives it, with the resource's <c>service.name</c> and the scope name.</summary>
public sealed record ReceivedSpan(string ServiceName, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes, int StatusCode)
{
    /// <summary>OTLP's SpanKind numbers.</summary>
    public const int Internal = 1, Server = 2, Client = 3, Producer = 4, Consumer = 5;
}

/// <summary>An OTLP trace collector on free loopback ports, started by a test: it decodes <c>ExportTraceServiceRequest</c>
/// bodies posted to <c>/v1/traces</c> (OTLP/HTTP protobuf) or sent to <c>TraceService/Export</c> (OTLP/gRPC, on
/// <see cref="GrpcPort"/>) into <see cref="ReceivedSpan"/>s. Logs and metrics sent over gRPC are accepted and dropped.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly bool _keepSpans;
    private int _requests;
    private int _spanCount;

    private OtlpReceiver(WebApplication app, bool keepSpans) => (_app, _keepSpans) = (app, keepSpans);

    public int Port { get; private set; }

    /// <summary>The OTLP/gRPC port (HTTP/2 without TLS), as apps' <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and a
    /// Configuration's <c>otel</c> with <c>protocol: grpc</c> name it.</summary>
    public int GrpcPort { get; private set; }

    /// <summary><c>host:port</c>, as a Configuration's <c>spec.tracing.otel.endpointAddress</c> names it.</summary>
    public string EndpointAddress => $"127.0.0.1:{Port}";

    public int Requests => Volatile.Read(ref _requests);

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    /// <summary>How many spans arrived, kept or not.</summary>
    public int SpanCount => Volatile.Read(ref _spanCount);

    public static Task<OtlpReceiver> StartAsync(CancellationToken cancellationToken = default) => StartAsync(keepSpans: true, cancellationToken);

    /// <summary>Starts the receiver; with <paramref name="keepSpans"/> false it only counts spans, decoding none (a
    /// benchmark's receiver, which should cost the process it shares as little as a collector elsewhere would).</summary>
    public static async Task<OtlpReceiver> StartAsync(bool keepSpans, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? grpc = null;
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0, o =>
            {
                o.Protocols = HttpProtocols.Http2;
                grpc = o;
            });
        });
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, keepSpans);
        app.MapPost("/opentelemetry.proto.collector.{signal}.v1.{service}/Export", async (HttpContext http, string signal) =>
        {
            var (body, length) = await ReadBodyAsync(http);
            try
            {
                if (signal == "trace")
                {
                    Interlocked.Increment(ref receiver._requests);
                    // The messages of a gRPC request body: each is a compression flag (always 0 here), a big-endian
                    // length and the protobuf bytes.
                    for (var offset = 0; offset + 5 <= length;)
                    {
                        var size = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(offset + 1, 4));
                        receiver.Receive(body.AsSpan(offset + 5, size));
                        offset += 5 + size;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body);
            }

            // An empty Export*ServiceResponse, then status OK in the trailers.
            http.Response.ContentType = "application/grpc";
            await http.Response.Body.WriteAsync(new byte[5], http.RequestAborted);
            http.Response.AppendTrailer("grpc-status", "0");
        });
        app.MapPost("/v1/traces", async (HttpContext http) =>
        {
            var (body, length) = await ReadBodyAsync(http);
            try
            {
                Interlocked.Increment(ref receiver._requests);
                receiver.Receive(body.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body);
            }

            http.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync(cancellationToken);
        var ports = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Select(a => new Uri(a).Port).ToList();
        receiver.GrpcPort = ((IPEndPoint)grpc!.EndPoint).Port;
        receiver.Port = ports.Single(p => p != receiver.GrpcPort);
        return receiver;
    }

    private void Receive(ReadOnlySpan<byte> exportTraceServiceRequest)
    {
        if (!_keepSpans)
        {
            Interlocked.Add(ref _spanCount, OtlpTraceDecoder.CountSpans(exportTraceServiceRequest));
            return;
        }

        foreach (var span in OtlpTraceDecoder.Decode(exportTraceServiceRequest.ToArray()))
        {
            Interlocked.Increment(ref _spanCount);
            _spans.Enqueue(span);
        }
    }

    /// <summary>The request body in a pooled buffer (to be returned): a batch of spans is over 85 KB, and a fresh array
    /// for each would be garbage of the large-object heap, collected only by full collections of the process that a
    /// benchmark's receiver shares with what it measures.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpContext http)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)(http.Request.ContentLength ?? 64 * 1024) + 1);
        var length = 0;
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer.AsMemory(length), http.RequestAborted)) > 0)
        {
            length += read;
            if (length == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
        }

        return (buffer, length);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>Reads the fields of OTLP's trace messages this repository's tests look at, by their proto field numbers
/// (opentelemetry/proto/trace/v1/trace.proto); every other field is skipped.</summary>
public static class OtlpTraceDecoder
{
    public static IEnumerable<ReceivedSpan> Decode(byte[] exportTraceServiceRequest)
    {
        var spans = new List<ReceivedSpan>();
        foreach (var resourceSpans in Messages(exportTraceServiceRequest, 1))
        {
            var service = "";
            foreach (var resource in Messages(resourceSpans, 1))
            {
                service = Attributes(resource, 1).GetValueOrDefault("service.name", "");
            }

            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                var scope = "";
                foreach (var s in Messages(scopeSpans, 1))
                {
                    scope = Strings(s, 1).FirstOrDefault() ?? "";
                }

                foreach (var span in Messages(scopeSpans, 2))
                {
                    spans.Add(ReadSpan(span, service, scope));
                }
            }
        }

        return spans;
    }

    /// <summary>How many spans the request holds, without decoding or copying them: the length-delimited fields
    /// <c>ExportTraceServiceRequest.resource_spans</c> (1) → <c>ResourceSpans.scope_spans</c> (2) →
    /// <c>ScopeSpans.spans</c> (2).</summary>
    public static int CountSpans(ReadOnlySpan<byte> exportTraceServiceRequest)
    {
        var count = 0;
        var request = new ProtobufFields(exportTraceServiceRequest);
        while (request.Next(out var resourceField, out var resourceSpans))
        {
            if (resourceField != 1)
            {
                continue;
            }

            var resource = new ProtobufFields(resourceSpans);
            while (resource.Next(out var scopeField, out var scopeSpans))
            {
                if (scopeField != 2)
                {
                    continue;
                }

                var scope = new ProtobufFields(scopeSpans);
                while (scope.Next(out var spanField, out _))
                {
                    count += spanField == 2 ? 1 : 0;
                }
            }
        }

        return count;
    }

    /// <summary>The fields of one protobuf message in order: the field number and, for a length-delimited field, its
    /// bytes (empty for the other wire types, which are skipped).</summary>
    private ref struct ProtobufFields(ReadOnlySpan<byte> message)
    {
        private ReadOnlySpan<byte> _rest = message;

        public bool Next(out int field, out ReadOnlySpan<byte> value)
        {
            value = default;
            field = 0;
            if (_rest.IsEmpty)
            {
                return false;
            }

            var tag = ReadVarint();
            field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0: ReadVarint(); break;
                case 1: _rest = _rest[8..]; break;
                case 2:
                    var length = (int)ReadVarint();
                    value = _rest[..length];
                    _rest = _rest[length..];
                    break;
                case 5: _rest = _rest[4..]; break;
                default: throw new InvalidDataException($"protobuf wire type {tag & 7} is not supported");
            }

            return true;
        }

        private ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = _rest[0];
                _rest = _rest[1..];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
    }

    private static ReceivedSpan ReadSpan(byte[] span, string service, string scope)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var status = 0;
        var input = new CodedInputStream(span);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 4: parent = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 5: name = input.ReadString(); break;
                case 6: kind = input.ReadEnum(); break;
                case 15:
                    var statusInput = new CodedInputStream(input.ReadBytes().ToByteArray());
                    uint statusTag;
                    while ((statusTag = statusInput.ReadTag()) != 0)
                    {
                        if (WireFormat.GetTagFieldNumber(statusTag) == 3)
                        {
                            status = statusInput.ReadEnum();
                        }
                        else
                        {
                            statusInput.SkipLastField();
                        }
                    }

                    break;
                default: input.SkipLastField(); break;
            }
        }

        return new ReceivedSpan(service, scope, traceId, spanId, parent, name, kind, Attributes(span, 9), status);
    }

    /// <summary>KeyValue attributes (string, bool and int values as text).</summary>
    private static Dictionary<string, string> Attributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Messages(message, field))
        {
            var key = Strings(keyValue, 1).FirstOrDefault() ?? "";
            var value = "";
            foreach (var any in Messages(keyValue, 2))
            {
                var input = new CodedInputStream(any);
                uint tag;
                while ((tag = input.ReadTag()) != 0)
                {
                    value = WireFormat.GetTagFieldNumber(tag) switch
                    {
                        1 => input.ReadString(),
                        2 => input.ReadBool() ? "true" : "false",
                        3 => input.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => Skip(input, value),
                    };
                }
            }

            attributes[key] = value;
        }

        return attributes;
    }

    private static string Skip(CodedInputStream input, string value)
    {
        input.SkipLastField();
        return value;
    }

    private static List<byte[]> Messages(byte[] message, int field)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }

    private static IEnumerable<string> Strings(byte[] message, int field) => Messages(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b));
}
