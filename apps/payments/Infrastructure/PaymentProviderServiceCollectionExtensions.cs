using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Sidecart.Payments.Infrastructure;

public static class PaymentProviderServiceCollectionExtensions
{
    /// <summary>Registers <see cref="PaymentProviderClient"/>, a typed HttpClient configured from <c>Payments:Provider</c>
    /// with the standard resilience handler (<see cref="ProviderResilience"/>). The handler's pipeline is one per app
    /// instance, so the circuit breaker sees every call; contradicting settings stop the app at start.</summary>
    public static IHostApplicationBuilder AddPaymentProvider(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProviderOptions>().BindConfiguration(ProviderOptions.Section);
        builder.Services.AddSingleton<ProviderApiKey>();
        builder.Services.AddSingleton<ProviderCircuit>();
        var resilience = builder.Services
            .AddHttpClient<PaymentProviderClient>((sp, http) =>
            {
                var baseUrl = sp.GetRequiredService<IOptions<ProviderOptions>>().Value.BaseUrl.ToString();
                http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
                // The resilience handler bounds every attempt and the whole call; HttpClient's own 100 s would only hide that.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddStandardResilienceHandler()
            .Configure((options, sp) => ProviderResilience.Apply(
                options,
                sp.GetRequiredService<IOptions<ProviderOptions>>().Value,
                sp.GetRequiredService<ProviderCircuit>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProviderResilience).FullName!)));
        builder.Services.AddOptions<HttpStandardResilienceOptions>(resilience.PipelineName).ValidateOnStart();
        return builder;
    }
}
