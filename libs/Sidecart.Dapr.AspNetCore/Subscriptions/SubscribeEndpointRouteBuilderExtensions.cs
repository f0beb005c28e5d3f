using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sidecart.Dapr.AspNetCore;
using Sidecart.Dapr.AspNetCore.Serialization;

namespace Microsoft.AspNetCore.Builder;

public static class SubscribeEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves <c>GET /dapr/subscribe</c>, the programmatic subscription list the sidecar reads once at startup,
    /// built from every endpoint declared with <c>WithTopic</c>.
    /// </summary>
    public static RouteHandlerBuilder MapSubscribeHandler(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/dapr/subscribe", (HttpContext context) =>
            {
                var allEndpoints = context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints;
                return TypedResults.Json(SubscriptionDocument.Build(allEndpoints), DaprAspNetCoreJsonContext.Default.ListDaprSubscriptionWire);
            })
            .ExcludeFromDescription();
}
