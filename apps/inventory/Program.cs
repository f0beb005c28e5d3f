using Sidecart.Dapr;
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
builder.Services.AddSingleton<StockSeeder>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StockSeeder>());

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAppApiToken();
app.MapActorsHandlers();
app.MapStockApi();
app.Run();

public partial class Program;
