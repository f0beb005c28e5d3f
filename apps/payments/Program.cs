using Sidecart.Payments;
using Sidecart.Payments.Apis;
using Sidecart.Payments.Infrastructure;
using Sidecart.Payments.Services;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, PaymentsJsonContext.Default));
// State is stored with the same source-generated contract as the HTTP API: camelCase, enums as strings.
builder.Services.AddDaprClient(dapr => dapr.UseJsonSerializationOptions(PaymentsJsonContext.Default.Options));
builder.Services.AddSingleton(TimeProvider.System);
builder.AddPaymentProvider();
builder.Services.AddSingleton<PaymentStore>();
builder.Services.AddTransient<PaymentService>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAppApiToken();
app.MapPaymentsApi();
app.Run();
