using System.Text.Json;
using Dapr;
using Sidecart.Catalog;
using Sidecart.Catalog.Apis;
using Sidecart.Catalog.Events;
using Sidecart.Catalog.Infrastructure;
using Sidecart.Catalog.Services;
using Sidecart.Events;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, CatalogJsonContext.Default));
builder.Services.AddDaprClient(dapr => dapr.UseJsonSerializationOptions(new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = CatalogJsonContext.Default }));
builder.Services.AddMemoryCache();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ProductStore>();
builder.Services.AddSingleton<ProductCache>();
builder.Services.AddSingleton<ProductCatalog>();
builder.Services.AddValidatingConsumer();
builder.Services.AddEventContract(ProductUpdated.Topic, ProductUpdated.SchemaFile, CatalogJsonContext.Default.ProductUpdated);
builder.Services.AddSingleton<CatalogSeeder>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<CatalogSeeder>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAppApiToken();
app.UseCloudEvents(new CloudEventsMiddlewareOptions { ForwardCloudEventPropertiesAsHeaders = true });
app.MapSubscribeHandler();
app.MapProductsApi();
app.MapProductEventsApi();
app.MapDeadLettersApi();
app.Run();

public partial class Program;
