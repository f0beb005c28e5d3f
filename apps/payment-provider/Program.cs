using Sidecart.PaymentProvider;
using Sidecart.PaymentProvider.Apis;
using Sidecart.PaymentProvider.Services;

// A stand-in for an external payment provider's sandbox. It is not a Dapr app: payments reaches it over plain HTTP
// at Payments:Provider:BaseUrl, as it would reach the real provider.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ProviderJsonContext.Default));
builder.Services.AddOptions<ProviderOptions>().BindConfiguration(ProviderOptions.Section)
    .Validate(o => !string.IsNullOrEmpty(o.ApiKey), $"{ProviderOptions.Section}:ApiKey is required")
    .ValidateOnStart();
builder.Services.AddSingleton<Ledger>();
builder.Services.AddSingleton<BehaviourSwitch>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapProviderApi();
app.MapAdminApi();
app.Run();
