using Microsoft.Extensions.DependencyInjection.Extensions;
using Sidecart.Dapr;
using Sidecart.Dapr.AspNetCore.DeadLetters;

namespace Microsoft.Extensions.DependencyInjection;

public static class DeadLetterServiceCollectionExtensions
{
    /// <summary>Registers <see cref="DeadLetterStore"/> on the <c>statestore</c> component.</summary>
    public static IServiceCollection AddDeadLetterStore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<DeadLetterStore>(sp));
        return services;
    }
}
