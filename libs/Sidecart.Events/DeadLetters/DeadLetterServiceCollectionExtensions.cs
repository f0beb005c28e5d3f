using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sidecart.Events;

public static class DeadLetterServiceCollectionExtensions
{
    /// <summary>Registers <see cref="DeadLetterStore"/> on the <c>statestore</c> component; it needs <c>AddDaprClient()</c>.</summary>
    public static IServiceCollection AddDeadLetterStore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<DeadLetterStore>(sp));
        return services;
    }

    /// <summary>Registers <see cref="ValidatingConsumer"/> and the <see cref="DeadLetterStore"/> it keeps refused events in.</summary>
    public static IServiceCollection AddValidatingConsumer(this IServiceCollection services)
    {
        services.AddDeadLetterStore();
        services.TryAddSingleton<ValidatingConsumer>();
        return services;
    }
}
