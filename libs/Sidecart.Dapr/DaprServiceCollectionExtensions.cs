using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sidecart.Dapr;

namespace Microsoft.Extensions.DependencyInjection;

public static class DaprServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DaprClient"/> as a typed HttpClient. The sidecar endpoint, API token and health timeout
    /// come from configuration (environment variables <c>DAPR_HTTP_ENDPOINT</c>, <c>DAPR_HTTP_PORT</c>,
    /// <c>DAPR_API_TOKEN</c>, <c>DAPR_HEALTH_TIMEOUT</c>), then <paramref name="configure"/>.
    /// </summary>
    public static IHttpClientBuilder AddDaprClient(this IServiceCollection services, Action<DaprClientOptions>? configure = null)
    {
        services.AddOptions<DaprClientOptions>()
            .Configure<IServiceProvider>((options, provider) =>
            {
                var configuration = provider.GetService<IConfiguration>();
                options.ApplyEnvironment(name => configuration?[name] ?? Environment.GetEnvironmentVariable(name));
            });
        if (configure is not null)
        {
            services.Configure(configure);
        }

        // No client-side timeout by default: like daprd, leave call deadlines to the caller's CancellationToken.
        return services.AddHttpClient<DaprClient>(client => client.Timeout = Timeout.InfiniteTimeSpan);
    }
}
