using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalSidecar.Api;

/// <summary><c>POST /v1.0/shutdown</c>: answers 204, then the sidecar shuts down gracefully.</summary>
public static class ShutdownApi
{
    public static IEndpointRouteBuilder MapShutdownApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1.0/shutdown", (HttpContext http) =>
        {
            var lifetime = http.RequestServices.GetRequiredService<ShutdownSignal>();
            http.Response.OnCompleted(() =>
            {
                lifetime.Request();
                return Task.CompletedTask;
            });
            return Results.NoContent();
        });
        return routes;
    }
}

/// <summary>Lets an endpoint ask the hosting <see cref="Sidecar"/> to stop.</summary>
public sealed class ShutdownSignal
{
    private Action? _onRequest;

    public void Attach(Action onRequest) => _onRequest = onRequest;

    public void Request() => _onRequest?.Invoke();
}
