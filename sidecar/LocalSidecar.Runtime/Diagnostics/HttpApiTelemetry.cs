using System.Diagnostics;
using System.Globalization;
using LocalSidecar.Hosting;
using LocalSidecar.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Diagnostics;

/// <summary>daprd's HTTP middleware, for each request on the sidecar's ports: the API span (or the server span of a
/// call from another sidecar), the HTTP and gRPC server metrics, the invocation counters, and the API log line.</summary>
public static class HttpApiTelemetry
{
    private const string GrpcInvokeService = "/dapr.proto.runtime.v1.Dapr/InvokeService";

    public static IApplicationBuilder UseSidecarTelemetry(this IApplicationBuilder app, SidecarContext context) =>
        app.Use((http, next) => ObserveAsync(http, next, context));

    private static async Task ObserveAsync(HttpContext http, RequestDelegate next, SidecarContext context)
    {
        var telemetry = context.Telemetry;
        var port = http.Connection.LocalPort;
        var path = http.Request.Path.Value ?? "/";
        var method = http.Request.Method;
        var onHttpPort = port == context.HttpPort;
        var onGrpcPort = port == context.GrpcPort;
        var onInternalPort = port == context.InternalPort;
        var span = onHttpPort ? HttpSpan.ForApi(method, path, http.Request.Headers[InvocationHeaders.AppId].ToString())
            : onInternalPort ? HttpSpan.ForInternal(context.AppId, path)
            : onGrpcPort && !path.StartsWith("/grpc.reflection.", StringComparison.Ordinal) ? GrpcSpan(path)
            : null;
        var started = Stopwatch.GetTimestamp();
        using var activity = span is null || telemetry.Tracing.Mode != TracingMode.On ? null
            : onGrpcPort && GrpcTraceBin.TryRead(http.Request.Headers[GrpcTraceBin.Header].ToString(), out var binaryParent)
                ? telemetry.Tracing.StartSpan(span.Name, span.Kind, binaryParent)
                : telemetry.Tracing.StartSpan(span.Name, span.Kind, http.Request.Headers["traceparent"].ToString(), http.Request.Headers["tracestate"].ToString());
        if (activity is not null && onGrpcPort && path != GrpcInvokeService)
        {
            // daprd answers every gRPC API call but InvokeService with its span's context.
            http.Response.OnStarting(() =>
            {
                http.Response.Headers[GrpcTraceBin.Header] = GrpcTraceBin.Write(activity);
                return Task.CompletedTask;
            });
        }

        if (activity is not null && onHttpPort)
        {
            http.Response.OnStarting(() =>
            {
                if (!http.Response.Headers.ContainsKey("traceparent"))
                {
                    http.Response.Headers["traceparent"] = SidecarTracing.Traceparent(activity);
                    if (activity.TraceStateString is { Length: > 0 and <= 512 } state)
                    {
                        http.Response.Headers["tracestate"] = state;
                    }
                }

                return Task.CompletedTask;
            });
        }

        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(http);
            status = http.Response.StatusCode;
        }
        finally
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (onGrpcPort)
            {
                var grpcStatus = GrpcStatusName(http);
                Finish(activity, span, http, "grpc", path, grpcStatus == "OK" ? null : grpcStatus);
                telemetry.Metrics.GrpcServerRpc(path, grpcStatus, elapsedMs);
                LogGrpc(telemetry, http, path, grpcStatus, elapsedMs);
            }
            else if (onInternalPort)
            {
                Finish(activity, span, http, "grpc", path, null);
                if (span is not null)
                {
                    var failed = http.Response.Headers.ContainsKey(InvocationHeaders.TargetSidecarFailure);
                    var rpc = span.EndpointName == "CallActor" ? "/dapr.proto.internals.v1.ServiceInvocation/CallActor" : "/dapr.proto.internals.v1.ServiceInvocation/CallLocal";
                    telemetry.Metrics.GrpcServerRpc(rpc, failed ? "Internal" : "OK", elapsedMs);
                    if (span.EndpointName == "CallLocal")
                    {
                        telemetry.Metrics.InvocationReceived(http.Request.Headers[InvocationHeaders.CallerAppId].ToString(), status);
                    }
                }
            }
            else if (onHttpPort)
            {
                Finish(activity, span, http, "http", $"{method} {path}", status >= 400 ? $"Code({status}): {ReasonPhrases.GetReasonPhrase(status)}" : null);
                telemetry.Metrics.HttpServerRequest(method, path, status, http.Request.ContentLength ?? 0, http.Response.ContentLength ?? 0, elapsedMs);
                if (span?.EndpointName.StartsWith("InvokeService/", StringComparison.Ordinal) == true)
                {
                    telemetry.Metrics.InvocationSent(span.EndpointName["InvokeService/".Length..], status, elapsedMs);
                }

                LogHttp(telemetry, http, span, method, path, status, elapsedMs);
            }
        }
    }

    private static HttpSpan? GrpcSpan(string fullMethod) =>
        new(fullMethod, fullMethod.StartsWith("/TaskHubSidecarService/", StringComparison.Ordinal) ? ActivityKind.Server : ActivityKind.Client, [], fullMethod);

    private static void Finish(Activity? activity, HttpSpan? span, HttpContext http, string protocol, string api, string? error)
    {
        if (activity is not { IsAllDataRequested: true } || span is null)
        {
            return;
        }

        foreach (var (key, value) in span.Attributes)
        {
            activity.SetTag(key, value);
        }

        activity.SetTag("dapr.protocol", protocol);
        activity.SetTag("dapr.api", api);
        if (protocol == "http" && span.Kind == ActivityKind.Client)
        {
            activity.SetTag("dapr.status_code", http.Response.StatusCode.ToString(CultureInfo.InvariantCulture));
            activity.SetTag("http.request.method", http.Request.Method);
            activity.SetTag("url.full", http.Request.Path.Value + http.Request.QueryString.Value);
            activity.SetTag("server.address", http.Connection.RemoteIpAddress?.ToString());
            activity.SetTag("server.port", http.Connection.RemotePort);
        }

        foreach (var (name, values) in http.Request.Headers)
        {
            if (name.StartsWith("dapr-", StringComparison.OrdinalIgnoreCase) && !name.EndsWith("-bin", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("dapr-api-token", StringComparison.OrdinalIgnoreCase))
            {
                activity.SetTag(name.ToLowerInvariant(), values.Count > 0 ? values[^1] : "");
            }
        }

        if (error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
    }

    private static string GrpcStatusName(HttpContext http)
    {
        var value = http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers["grpc-status"].ToString() is { Length: > 0 } trailer
            ? trailer
            : http.Response.Headers["grpc-status"].ToString();
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) && code is >= 0 and <= 16
            ? ((Grpc.Core.StatusCode)code).ToString()
            : http.Response.StatusCode == StatusCodes.Status200OK && value.Length == 0 ? "OK" : "Unknown";
    }

    private static void LogHttp(SidecarTelemetry telemetry, HttpContext http, HttpSpan? span, string method, string path, int status, double elapsedMs)
    {
        var logging = telemetry.ApiLogging;
        if (!logging.Enabled || (logging.OmitHealthChecks && path.Contains("/healthz", StringComparison.Ordinal)))
        {
            return;
        }

        var name = logging.ObfuscateUrls ? span?.EndpointName ?? (path.Contains("/healthz", StringComparison.Ordinal) ? "Healthz" : path) : $"{method} {path}";
        using (telemetry.HttpApiLog.BeginScope(new Dictionary<string, object>
        {
            ["method"] = name,
            ["useragent"] = http.Request.Headers.UserAgent.ToString(),
            ["duration"] = (long)elapsedMs,
            ["code"] = status,
            ["size"] = http.Response.ContentLength ?? 0,
        }))
        {
            telemetry.HttpApiLog.LogInformation("HTTP API Called");
        }
    }

    private static void LogGrpc(SidecarTelemetry telemetry, HttpContext http, string fullMethod, string status, double elapsedMs)
    {
        if (!telemetry.ApiLogging.Enabled)
        {
            return;
        }

        var code = Enum.TryParse<Grpc.Core.StatusCode>(status, out var parsed) ? (int)parsed : 2;
        using (telemetry.GrpcApiLog.BeginScope(new Dictionary<string, object>
        {
            ["method"] = fullMethod,
            ["useragent"] = http.Request.Headers.UserAgent.ToString(),
            ["duration"] = (long)elapsedMs,
            ["code"] = code,
        }))
        {
            telemetry.GrpcApiLog.LogInformation("gRPC API Called");
        }
    }
}
