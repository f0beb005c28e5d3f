using System.Text;
using LocalSidecar.Api.Universal;
using LocalSidecar.Hosting;
using LocalSidecar.Invocation;
using LocalSidecar.Security.AccessControl;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalSidecar.Api;

/// <summary>Service invocation: <c>/v1.0/invoke/{appId}/method/{method}</c> for every verb, the fallback that routes
/// any otherwise unmatched request carrying <c>dapr-app-id</c> (header or basic-auth user), and the internal
/// endpoint through which another sidecar delivers a call to this sidecar's app.</summary>
public static class InvokeApi
{
    private const string NoAppIdMessage = "failed getting app id either from the URL path or the header dapr-app-id";

    /// <summary>Maps the public invocation routes, including the fallback (which only receives requests that match no
    /// other route, whatever the order of mapping).</summary>
    public static IEndpointRouteBuilder MapInvokeApi(this IEndpointRouteBuilder routes)
    {
        var invoker = routes.ServiceProvider.GetRequiredService<ServiceInvoker>();

        routes.Map("/v1.0/invoke/{appId}/method/{**methodPath}", (HttpContext http, string appId, string? methodPath) =>
            HttpMethods.IsConnect(http.Request.Method)
                ? Results.StatusCode(StatusCodes.Status405MethodNotAllowed).ExecuteAsync(http)
                : InvokeAsync(invoker, http, appId, new PathString("/" + methodPath)));

        routes.MapFallback("{**path}", (HttpContext http) =>
        {
            if (http.Request.Path.StartsWithSegments(Sidecar.InternalPrefix, StringComparison.Ordinal))
            {
                return Results.NotFound().ExecuteAsync(http);
            }

            if (AppIdOutsidePath(http.Request) is not { } appId)
            {
                return DaprError.Create(StatusCodes.Status404NotFound, "ERR_DIRECT_INVOKE", NoAppIdMessage).ExecuteAsync(http);
            }

            return HttpMethods.IsConnect(http.Request.Method)
                ? Results.StatusCode(StatusCodes.Status405MethodNotAllowed).ExecuteAsync(http)
                : InvokeAsync(invoker, http, appId, http.Request.Path);
        });
        return routes;
    }

    /// <summary>Maps <c>/_internal/invoke/{method}</c>, served on the internal port only: a call from another sidecar
    /// for this sidecar's app. The app's answer is relayed unchanged; this sidecar's own failures are marked with
    /// <see cref="InvocationHeaders.TargetSidecarFailure"/> so the caller reports them as <c>ERR_DIRECT_INVOKE</c>.</summary>
    public static IEndpointRouteBuilder MapInternalInvokeApi(this IEndpointRouteBuilder routes)
    {
        var forwarder = routes.ServiceProvider.GetRequiredService<AppForwarder>();
        var accessControl = routes.ServiceProvider.GetRequiredService<InvocationAccessControl>();
        routes.Map($"{Sidecar.InternalPrefix}/invoke/{{**methodPath}}", async (HttpContext http, string? methodPath) =>
        {
            if (accessControl.Deny(http, methodPath ?? "") is { } denial)
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                http.Response.Headers[InvocationHeaders.TargetSidecarFailure] = "true";
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync(denial);
                return;
            }

            var pathAndQuery = new PathString("/" + methodPath).ToUriComponent() + http.Request.QueryString.ToUriComponent();
            try
            {
                // With mTLS the caller's app id is the one its certificate proves, whatever header came along.
                using var response = await forwarder.SendAsync(InvocationRequest.From(http.Request, pathAndQuery), accessControl.CallerOf(http)?.AppId, http.RequestAborted);
                await HttpForwarding.RelayAsync(response, http.Response, http.RequestAborted);
            }
            catch (InvocationFailedException e)
            {
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                http.Response.Headers[InvocationHeaders.TargetSidecarFailure] = "true";
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync(e.Message);
            }
        });
        return routes;
    }

    /// <summary>Invokes and writes the outcome to the caller: the target's response unchanged, or daprd's error.</summary>
    private static async Task InvokeAsync(ServiceInvoker invoker, HttpContext http, string rawTarget, PathString methodPath)
    {
        var pathAndQuery = methodPath.ToUriComponent() + http.Request.QueryString.ToUriComponent();
        HttpResponseMessage response;
        try
        {
            response = await invoker.InvokeAsync(rawTarget, InvocationRequest.From(http.Request, pathAndQuery), http.RequestAborted);
        }
        catch (DaprApiException e)
        {
            await DaprError.From(e.Error).ExecuteAsync(http);
            return;
        }

        using (response)
        {
            await HttpForwarding.RelayAsync(response, http.Response, http.RequestAborted);
        }
    }

    /// <summary>The target of a fallback request: the <c>dapr-app-id</c> header, else basic auth with user
    /// <c>dapr-app-id</c> and the app id as password.</summary>
    private static string? AppIdOutsidePath(HttpRequest request)
    {
        if (request.Headers[InvocationHeaders.AppId].ToString() is { Length: > 0 } header)
        {
            return header;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim())).Split(':');
            return pair is [InvocationHeaders.AppId, { Length: > 0 } appId] ? appId : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
