using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sidecart.Events;

public static class IdempotentConsumerServiceCollectionExtensions
{
    /// <summary>Registers <see cref="IdempotentConsumer"/>; it needs <c>AddDaprClient()</c>.</summary>
    public static IServiceCollection AddIdempotentConsumer(this IServiceCollection services, Action<IdempotentConsumerOptions>? configure = null)
    {
        var options = services.AddOptions<IdempotentConsumerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddTransient<IdempotentConsumer>();
        return services;
    }
}
