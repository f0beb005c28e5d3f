using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace LocalSidecar.Api;

/// <summary>Applies <c>spec.api</c> to the public HTTP API. daprd does not register a route the rules close, so a call
/// to it is what a call to an unknown route is there: the invocation fallback takes it (without <c>dapr-app-id</c>:
/// 404 <c>ERR_DIRECT_INVOKE</c>), or, with invocation closed too, the router's plain <c>404 page not found</c>.</summary>
public static class ApiAccessMiddleware
{
    private const string FallbackPattern = "{**path}";

    public static IApplicationBuilder UseApiAccessRules(this IApplicationBuilder app, SidecarContext context, ListenOptions httpListener)
    {
        var access = new HttpApiAccess(context.Configuration.Api);
        if (access.IsOpen)
        {
            return app;
        }

        var endpoints = app.ApplicationServices.GetRequiredService<EndpointDataSource>();
        return app.Use((http, next) =>
        {
            if (http.Connection.LocalPort != httpListener.IPEndPoint!.Port || http.GetEndpoint() is not RouteEndpoint endpoint)
            {
                return next(http);
            }

            var isFallback = endpoint.RoutePattern.RawText == FallbackPattern;
            if (isFallback ? access.AllowsInvoke : access.Allows(endpoint.RoutePattern.RawText ?? "", http.Request.Method))
            {
                return next(http);
            }

            if (isFallback || !access.AllowsInvoke)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                http.Response.ContentType = "text/plain; charset=utf-8";
                return http.Response.WriteAsync("404 page not found\n");
            }

            var fallback = endpoints.Endpoints.OfType<RouteEndpoint>().First(e => e.RoutePattern.RawText == FallbackPattern);
            http.SetEndpoint(fallback);
            http.Request.RouteValues.Clear();
            return next(http);
        });
    }
}
