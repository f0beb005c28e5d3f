using Sidecart.Dapr;
using Sidecart.Dapr.AspNetCore;
using Sidecart.Inventory;
using Sidecart.Inventory.Actors;
using Sidecart.Inventory.Apis;
using Sidecart.Inventory.Events;
using Sidecart.Inventory.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, InventoryJsonContext.Default));
builder.Services.Configure<InventoryOptions>(builder.Configuration.GetSection(InventoryOptions.Section));
builder.Services.AddDaprClient();
builder.Services.AddActors(o =>
{
    o.JsonTypeInfoResolver = InventoryJsonContext.Default;
    o.RegisterActor<SkuActor>();
});
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
