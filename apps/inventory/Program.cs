using Dapr;
using Sidecart.Events;
using Sidecart.Inventory;
using Sidecart.Inventory.Actors;
using Sidecart.Inventory.Apis;
using Sidecart.Inventory.Events;
using Sidecart.Inventory.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, InventoryJsonContext.Default));
builder.Services.Configure<InventoryOptions>(builder.Configuration.GetSection(InventoryOptions.Section));
builder.Services.AddDaprClient(b => b.UseJsonSerializationOptions(InventoryJson.Options));
builder.Services.AddActors(o =>
{
    o.HttpEndpoint = DaprDefaults.GetDefaultHttpEndpoint(builder.Configuration);
    o.Actors.RegisterActor<SkuActor>();
    o.UseJsonSerialization = true;
    o.JsonSerializerOptions = InventoryJson.Options;
});
builder.Services.AddValidatingConsumer();
builder.Services.AddEventContract(StockReceived.Topic, StockReceived.SchemaFile, InventoryJsonContext.Default.StockReceived);
builder.Services.AddSingleton<StockReceivedHandler>();
builder.Services.AddSingleton<StockSeeder>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StockSeeder>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAppApiToken();
app.UseCloudEvents(new CloudEventsMiddlewareOptions { ForwardCloudEventPropertiesAsHeaders = true });
app.MapSubscribeHandler();
app.MapActorsHandlers();
app.MapStockApi();
app.MapStockEventsApi();
app.MapDeadLettersApi();
app.Run();

public partial class Program;
