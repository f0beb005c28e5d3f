using Microsoft.Extensions.Options;
using Polly;

namespace Sidecart.Payments.Infrastructure;

public static class PaymentProviderServiceCollectionExtensions
{
    /// <summary>Registers <see cref="PaymentProviderClient"/>, configured from <c>Payments:Provider</c>. Resilience is a
    /// Polly.Core pipeline called around the HttpClient (Microsoft.Extensions.Http.Resilience does not restore here);
    /// it is a singleton so that the circuit breaker sees every call.</summary>
    public static IHostApplicationBuilder AddPaymentProvider(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProviderOptions>().BindConfiguration(ProviderOptions.Section);
        builder.Services.AddSingleton<ProviderApiKey>();
        builder.Services.AddSingleton<ProviderCircuit>();
        builder.Services.AddSingleton(sp => ProviderResiliencePipeline.Create(
            sp.GetRequiredService<IOptions<ProviderOptions>>().Value,
            sp.GetRequiredService<ProviderCircuit>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProviderResiliencePipeline).FullName!)));
        builder.Services.AddHttpClient<PaymentProviderClient>((sp, http) =>
        {
            var baseUrl = sp.GetRequiredService<IOptions<ProviderOptions>>().Value.BaseUrl.ToString();
            http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
            // The pipeline bounds every attempt; HttpClient's own 100 s timeout would only hide that.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        return builder;
    }
}
