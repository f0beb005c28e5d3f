using Sidecart.Dapr;
using Sidecart.Dapr.AspNetCore;
using Sidecart.Inventory;
using Sidecart.Inventory.Actors;
using Sidecart.Inventory.Apis;
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
builder.Services.AddDeadLetterStore();
builder.Services.AddSingleton<StockReceivedSchema>();
builder.Services.AddSingleton<StockReceivedHandler>();
builder.Services.AddSingleton<StockSeeder>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StockSeeder>());

var app = builder.Build();
_ = app.Services.GetRequiredService<StockReceivedSchema>();   // a missing or unsupported schema file fails the start, not the first event
app.MapDefaultEndpoints();
app.UseAppApiToken();
app.MapSubscribeHandler();
app.MapActorsHandlers();
app.MapStockApi();
app.MapStockEventsApi();
app.MapDeadLettersApi();
app.Run();

public partial class Program;
