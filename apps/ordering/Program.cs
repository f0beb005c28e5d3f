using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dapr;
using Dapr.Actors.Client;
using Dapr.Client;
using Dapr.Workflow;
using Sidecart.Events;
using Sidecart.Ordering;
using Sidecart.Ordering.Actors;
using Sidecart.Ordering.Apis;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Infrastructure;
using Sidecart.Ordering.Services;
using Sidecart.Ordering.Workflows;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, OrderingJsonContext.Default));
builder.Services.AddDaprClient(dapr => dapr.UseJsonSerializationOptions(new JsonSerializerOptions(JsonSerializerDefaults.Web)
{
    TypeInfoResolver = JsonTypeInfoResolver.Combine(OrderingJsonContext.Default, new DefaultJsonTypeInfoResolver()),
}));
builder.Services.AddSingleton<IActorProxyFactory>(sp => new ActorProxyFactory(new ActorProxyOptions
{
    UseJsonSerialization = true,
    HttpEndpoint = DaprDefaults.GetDefaultHttpEndpoint(sp.GetRequiredService<IConfiguration>()),
}));
builder.Services.AddSingleton<SkuActorClient>();
builder.Services.AddHttpClient<ICatalog, CatalogClient>(http => http.BaseAddress = new Uri($"http://{CatalogClient.AppId}/"))
    .AddHttpMessageHandler(ServiceInvocation);
builder.Services.AddHttpClient<IPayments, PaymentsClient>(http => http.BaseAddress = new Uri($"http://{PaymentsClient.AppId}/"))
    .AddHttpMessageHandler(ServiceInvocation);
// The SDK's source generator registers every Workflow and WorkflowActivity of this assembly (Workflows/).
builder.Services.AddDaprWorkflow();
builder.Services.AddIdempotentConsumer(o => o.TimeToLive = TimeSpan.FromDays(7));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.Configure<OrderWorkflowOptions>(builder.Configuration.GetSection(OrderWorkflowOptions.Section));
builder.Services.Configure<IdempotencyOptions>(builder.Configuration.GetSection(IdempotencyOptions.Section));
builder.Services.AddSingleton<IOrderRepository, OrderRepository>();
builder.Services.AddSingleton<IOrderEventPublisher, OrderEventPublisher>();
builder.Services.AddSingleton<OrderService>();
builder.Services.AddValidatingConsumer();
builder.Services.AddEventContract(ShipmentDispatched.Topic, ShipmentDispatched.SchemaFile, OrderingJsonContext.Default.ShipmentDispatched);
builder.Services.AddSingleton<ShipmentDispatchedHandler>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseAppApiToken();
app.UseCloudEvents(new CloudEventsMiddlewareOptions { ForwardCloudEventPropertiesAsHeaders = true });
app.MapSubscribeHandler();
app.MapOrdersApi();
app.MapShipmentEventsApi();
app.MapDeadLettersApi();
app.Run();

// Sends http://<app-id>/... through this app's sidecar (Dapr service invocation).
static InvocationHandler ServiceInvocation(IServiceProvider services) =>
    new() { DaprEndpoint = DaprDefaults.GetDefaultHttpEndpoint(services.GetRequiredService<IConfiguration>()) };

public partial class Program;
