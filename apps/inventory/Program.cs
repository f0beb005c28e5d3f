extern alias DaprSdk;

using Sidecart.Inventory;
using Sidecart.Inventory.Actors;
using Sidecart.Inventory.Apis;
using Sidecart.Inventory.Events;
using Sidecart.Inventory.Infrastructure;
using DaprSdkServices = DaprSdk::Microsoft.Extensions.DependencyInjection.DaprServiceCollectionExtensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, InventoryJsonContext.Default));
builder.Services.Configure<InventoryOptions>(builder.Configuration.GetSection(InventoryOptions.Section));
DaprSdkServices.AddDaprClient(builder.Services, b => b.UseJsonSerializationOptions(InventoryJson.Options));
builder.Services.AddActors(o =>
{
    // The SDK's default endpoint ends with a slash and the SDK appends "/v1.0/...": daprd collapses the double slash,
    // the local sidecar does not (yet).
    o.HttpEndpoint = Dapr.DaprDefaults.GetDefaultHttpEndpoint(builder.Configuration).TrimEnd('/');
    o.Actors.RegisterActor<SkuActor>();
    o.UseJsonSerialization = true;
    o.JsonSerializerOptions = InventoryJson.Options;
});
// The stock-received consumer below still runs on Sidecart.Dapr.AspNetCore, whose dead-letter store needs Sidecart's own client.
builder.Services.AddDaprClient();
builder.Services.AddValidatingConsumer();
builder.Services.AddEventContract(StockReceived.Topic, StockReceived.SchemaFile, InventoryJsonContext.Default.StockReceived);
builder.Services.AddSingleton<StockReceivedHandler>();
builder.Services.AddSingleton<StockSeeder>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StockSeeder>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAppApiToken();
app.MapSubscribeHandler();
app.MapActorsHandlers();
app.MapStockApi();
app.MapStockEventsApi();
app.MapDeadLettersApi();
app.Run();

public partial class Program;
