using Sidecart.Dapr;
using Sidecart.Dapr.AspNetCore;
using Sidecart.Ordering;
using Sidecart.Ordering.Actors;
using Sidecart.Ordering.Apis;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Infrastructure;
using Sidecart.Ordering.Services;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, OrderingJsonContext.Default));
builder.Services.AddDaprClient();
builder.Services.AddIdempotentConsumer(o => o.TimeToLive = TimeSpan.FromDays(7));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.Configure<OrderProcessOptions>(builder.Configuration.GetSection(OrderProcessOptions.Section));
builder.Services.Configure<IdempotencyOptions>(builder.Configuration.GetSection(IdempotencyOptions.Section));
builder.Services.AddSingleton<ICatalog, CatalogClient>();
builder.Services.AddSingleton<IPayments, PaymentsClient>();
builder.Services.AddSingleton<IOrderRepository, OrderRepository>();
builder.Services.AddSingleton<IOrderEventPublisher, OrderEventPublisher>();
builder.Services.AddSingleton<OrderService>();
builder.Services.AddValidatingConsumer();
builder.Services.AddEventContract(ShipmentDispatched.Topic, ShipmentDispatched.SchemaFile, OrderingJsonContext.Default.ShipmentDispatched);
builder.Services.AddSingleton<ShipmentDispatchedHandler>();
builder.Services.AddActors(o =>
{
    o.JsonTypeInfoResolver = OrderingJsonContext.Default;
    o.RegisterActor<OrderProcessActor>();
});

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAppApiToken();
app.MapSubscribeHandler();
app.MapActorsHandlers();
app.MapOrdersApi();
app.MapShipmentEventsApi();
app.MapDeadLettersApi();
app.Run();

public partial class Program;
