using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalSidecar.Api;

/// <summary><c>GET /v1.0/healthz</c> (ready once components are loaded and the app is reachable) and
/// <c>GET /v1.0/healthz/outbound</c> (ready once the API can serve outbound calls).</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/healthz", (HttpRequest request, SidecarContext context) =>
        {
            if (request.Query["appid"].ToString() is { Length: > 0 } appId && appId != context.AppId)
            {
                return DaprError.Create(500, "ERR_HEALTH_APPID_NOT_MATCH", $"dapr app-id does not match: expected {context.AppId}, got {appId}");
            }

            return context.AppChannel is { IsHealthy: false }
                ? DaprError.Create(500, "ERR_HEALTH_NOT_READY", "dapr is not ready: [app channel is not initialized]")
                : Results.NoContent();
        });
        routes.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());
        return routes;
    }
}
