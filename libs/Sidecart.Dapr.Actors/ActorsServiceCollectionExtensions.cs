using Microsoft.Extensions.DependencyInjection.Extensions;
using Sidecart.Dapr;
using Sidecart.Dapr.Actors;
using Sidecart.Dapr.Actors.Runtime;

namespace Microsoft.Extensions.DependencyInjection;

public static class ActorsServiceCollectionExtensions
{
    /// <summary>
    /// Hosts the actor types registered in <paramref name="configure"/> (serve them with <c>app.MapActorsHandlers()</c>)
    /// and registers <see cref="IActorProxyFactory"/> for calling actors of any app. An app that only calls actors
    /// registers none. Adds the <see cref="DaprClient"/> unless the app already did.
    /// </summary>
    public static IServiceCollection AddActors(this IServiceCollection services, Action<ActorsOptions> configure)
    {
        services.Configure(configure);
        if (!services.Any(d => d.ServiceType == typeof(DaprClient)))
        {
            services.AddDaprClient();
        }

        services.TryAddSingleton<ActorRuntime>();
        services.TryAddTransient<IActorProxyFactory>(provider => new ActorProxyFactory(
            provider.GetRequiredService<DaprClient>(),
            provider.GetRequiredService<ActorRuntime>().Json));
        return services;
    }
}
