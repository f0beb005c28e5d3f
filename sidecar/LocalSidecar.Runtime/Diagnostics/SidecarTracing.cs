using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LocalSidecar.Diagnostics;

/// <summary>One sidecar's tracer, as daprd's: spans of scope <c>dapr-diagnostics</c> whose resource names the app id,
/// sampled <c>ParentBased(TraceIdRatioBased(samplingRate))</c>, exported in the background by batch processors.
/// Several sidecars share a process (the runner, tests), so each has its own <see cref="ActivitySource"/> instance and
/// its own listener, which hears only that instance: a span goes to its own sidecar's exporters only.</summary>
public sealed class SidecarTracing : IDisposable
{
    public const string ScopeName = "dapr-diagnostics";

    private readonly ActivitySource _source = new(ScopeName);
    private readonly ActivityListener? _listener;
    private readonly TracerProvider? _provider;
    private readonly BaseProcessor<Activity>[] _processors;
    private readonly Sampler _sampler;

    public SidecarTracing(string appId, TracingSettings settings, Func<string, string?> environment, ILogger log)
    {
        Settings = settings;
        _sampler = new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SamplingRate));
        _processors = [.. Exporters(settings, environment, log)];
        if (settings.Mode != TracingMode.On)
        {
            return;
        }

        if (_processors.Length > 0)
        {
            // The provider listens to no source: it only gives the exporters their resource and flushes them at the end.
            var builder = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddAttributes(Resource(appId, environment)));
            foreach (var processor in _processors)
            {
                builder.AddProcessor(processor);
            }

            _provider = builder.Build();
        }

        _listener = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, _source),
            Sample = Sample,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public TracingSettings Settings { get; }

    public TracingMode Mode => Settings.Mode;

    /// <summary>Starts a span under the remote parent in <paramref name="traceparent"/> (a new trace when it is missing
    /// or invalid), never under whatever <see cref="Activity.Current"/> happens to be. Null when tracing is not on.</summary>
    public Activity? StartSpan(string name, ActivityKind kind, string? traceparent, string? tracestate = null)
    {
        if (Mode != TracingMode.On)
        {
            return null;
        }

        if (traceparent is { Length: > 0 } && ActivityContext.TryParse(traceparent, tracestate, isRemote: true, out var parent))
        {
            return _source.StartActivity(name, kind, parent);
        }

        Activity.Current = null;
        return _source.StartActivity(name, kind, default(ActivityContext));
    }

    /// <summary>A span under <paramref name="parent"/> (a new trace when it is default), never under whatever
    /// <see cref="Activity.Current"/> happens to be. Null when tracing is not on.</summary>
    public Activity? StartSpan(string name, ActivityKind kind, ActivityContext parent)
    {
        if (Mode != TracingMode.On)
        {
            return null;
        }

        if (parent == default)
        {
            Activity.Current = null;
        }

        return _source.StartActivity(name, kind, parent);
    }

    /// <summary>Starts a span that does not become <see cref="Activity.Current"/>: spans of background work (the
    /// workflow engine's) that other calls on the same flow must not be parented to. Null when tracing is not on.</summary>
    public Activity? StartDetached(string name, ActivityKind kind, ActivityContext parent, DateTimeOffset? startTime = null)
    {
        if (Mode != TracingMode.On)
        {
            return null;
        }

        var previous = Activity.Current;
        if (parent == default)
        {
            Activity.Current = null;
        }

        var span = _source.StartActivity(name, kind, parent, startTime: startTime ?? default);
        Activity.Current = previous;
        return span;
    }

    /// <summary>Ends a span started with <see cref="StartDetached"/>, leaving <see cref="Activity.Current"/> as it is.</summary>
    public static void StopDetached(Activity span)
    {
        var previous = Activity.Current;
        span.Stop();
        Activity.Current = previous;
    }

    /// <summary>The gRPC API's InvokeService span, once the request names the target: daprd calls it
    /// <c>CallLocal/&lt;target&gt;/&lt;method&gt;</c>, as the HTTP API's invocation span.</summary>
    public void NameInvocation(string targetAppId, string method)
    {
        if (Current is not { } span)
        {
            return;
        }

        span.DisplayName = $"CallLocal/{targetAppId}/{method}";
        if (span.IsAllDataRequested)
        {
            span.SetTag("rpc.service", "ServiceInvocation");
            span.SetTag("net.peer.name", targetAppId);
        }
    }

    /// <summary>A span under another span of this sidecar (a bulk publish entry).</summary>
    public Activity? StartChild(string name, ActivityKind kind, Activity parent) =>
        Mode == TracingMode.On ? _source.StartActivity(name, kind, parent.Context) : null;

    /// <summary>This sidecar's span running on the current call, if any.</summary>
    public Activity? Current => Activity.Current is { } current && ReferenceEquals(current.Source, _source) ? current : null;

    /// <summary>The <c>traceparent</c> this sidecar sends on: its current span's when it has one; the caller's unchanged
    /// when tracing is off; else a new span id of the caller's trace (or a new trace).</summary>
    public string? Outgoing(string? incomingTraceparent) =>
        Current is { } span ? Traceparent(span)
        : Mode == TracingMode.Off ? incomingTraceparent is { Length: > 0 } ? incomingTraceparent : null
        : TraceContext.NextSpan(incomingTraceparent);

    /// <summary>The trace fields of a CloudEvent published now: this sidecar's API span; empty when tracing is off;
    /// else a new span of the caller's trace.</summary>
    public TraceContext ForCloudEvent(string? traceparent, string? tracestate) =>
        Current is { } span ? new TraceContext(Traceparent(span), span.TraceStateString ?? "")
        : Mode == TracingMode.Off ? new TraceContext("", "")
        : TraceContext.ChildOf(traceparent, tracestate);

    /// <summary>The span's <c>traceparent</c> with only the sampled bit kept in the flags, as daprd writes it.</summary>
    public static string Traceparent(Activity span) =>
        $"00-{span.TraceId.ToHexString()}-{span.SpanId.ToHexString()}-{((span.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    /// <summary>Exports what is queued now (tests, shutdown).</summary>
    public bool ForceFlush(int timeoutMilliseconds = 5000) => _provider?.ForceFlush(timeoutMilliseconds) ?? true;

    public void Dispose()
    {
        _listener?.Dispose();
        // Bounded: a collector that does not answer must not hold up the sidecar's shutdown.
        _provider?.Shutdown(2000);
        _provider?.Dispose();
        _source.Dispose();
    }

    private ActivitySamplingResult Sample(ref ActivityCreationOptions<ActivityContext> options)
    {
        var decision = _sampler.ShouldSample(new SamplingParameters(options.Parent, options.TraceId, options.Name, options.Kind));
        // An unsampled span still has its own id and carries the caller's trace onwards.
        return decision.Decision == SamplingDecision.RecordAndSample ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.PropagationData;
    }

    private void OnStopped(Activity activity)
    {
        if (!activity.Recorded)
        {
            return;
        }

        foreach (var processor in _processors)
        {
            processor.OnEnd(activity);
        }
    }

    /// <summary>daprd's resource: <c>service.name</c> = app id; <c>OTEL_SERVICE_NAME</c> and <c>OTEL_RESOURCE_ATTRIBUTES</c>
    /// from the sidecar's environment override it.</summary>
    private static Dictionary<string, object> Resource(string appId, Func<string, string?> environment)
    {
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal) { ["service.name"] = appId };
        foreach (var pair in (environment("OTEL_RESOURCE_ATTRIBUTES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (pair.IndexOf('=') is var eq and > 0)
            {
                attributes[Uri.UnescapeDataString(pair[..eq].Trim())] = Uri.UnescapeDataString(pair[(eq + 1)..].Trim());
            }
        }

        if (environment("OTEL_SERVICE_NAME") is { Length: > 0 } serviceName)
        {
            attributes["service.name"] = serviceName;
        }

        return attributes;
    }

    private static IEnumerable<BaseProcessor<Activity>> Exporters(TracingSettings settings, Func<string, string?> environment, ILogger log)
    {
        if (settings.Mode != TracingMode.On)
        {
            yield break;
        }

        var batch = BatchSpanSettings.From(environment, (name, value, fallback) =>
            log.LogWarning("{Variable}=\"{Value}\" is not a positive whole number: the default {Default} is used", name, value, fallback));
        if (settings.Otel is { } otel)
        {
            var http = otel.Protocol == "http";
            var options = new OtlpExporterOptions
            {
                Endpoint = new Uri($"{(otel.IsSecure ? "https" : "http")}://{otel.EndpointAddress}{(http ? "/v1/traces" : "")}"),
                Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc,
                Headers = string.Join(',', otel.Headers.Select(h => $"{h.Key}={h.Value}")),
            };
            if (otel.Timeout is { } timeout)
            {
                options.TimeoutMilliseconds = (int)timeout.TotalMilliseconds;
            }

            yield return Batched(new OtlpTraceExporter(options), batch);
        }

        if (settings.ZipkinEndpoint.Length > 0)
        {
            // daprd still offers Zipkin; OpenTelemetry .NET marks its exporter obsolete but ships it (1.21.0).
#pragma warning disable CS0618
            yield return Batched(new ZipkinExporter(new ZipkinExporterOptions { Endpoint = new Uri(settings.ZipkinEndpoint) }), batch);
#pragma warning restore CS0618
        }
    }

    private static BatchActivityExportProcessor Batched(BaseExporter<Activity> exporter, BatchSpanSettings batch) =>
        new(exporter, batch.MaxQueueSize, batch.ScheduleDelayMilliseconds, batch.ExportTimeoutMilliseconds, batch.MaxExportBatchSize);
}
