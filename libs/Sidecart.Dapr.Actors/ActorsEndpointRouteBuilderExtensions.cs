using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sidecart.Dapr.Actors.Runtime;

namespace Microsoft.AspNetCore.Builder;

public static class ActorsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the callbacks the sidecar makes to an actor host (https://docs.dapr.io/reference/api/actors_api/): <c>GET /dapr/config</c>,
    /// <c>PUT /actors/{type}/{id}/method/{method}</c>, <c>.../method/remind/{name}</c>, <c>.../method/timer/{name}</c>
    /// and <c>DELETE /actors/{type}/{id}</c>. The actor registrations are checked here, so a bad one fails at startup.
    /// </summary>
    public static IEndpointConventionBuilder MapActorsHandlers(this IEndpointRouteBuilder endpoints)
    {
        var handler = ActivatorUtilities.CreateInstance<ActorCallbackHandler>(endpoints.ServiceProvider);
        var group = endpoints.MapGroup(string.Empty);
        group.MapGet("/dapr/config", handler.ConfigAsync);
        group.MapPut("/actors/{actorType}/{actorId}/method/remind/{reminderName}", handler.ReminderAsync);
        group.MapPut("/actors/{actorType}/{actorId}/method/timer/{timerName}", handler.TimerAsync);
        group.MapPut("/actors/{actorType}/{actorId}/method/{**methodName}", handler.MethodAsync);
        group.MapDelete("/actors/{actorType}/{actorId}", handler.DeactivateAsync);
        return group;
    }
}
