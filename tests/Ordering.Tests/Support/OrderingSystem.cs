using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sidecart.Testing;

namespace Sidecart.Ordering.Tests.Support;

/// <summary>
/// Ordering on a real port behind a real in-process local sidecar (in-memory state that is also the actor store,
/// in-memory pub/sub), and stub downstream apps each behind its own sidecar: catalog (<c>/products/{sku}</c>),
/// payments (authorize/refund) and inventory (a <c>Sku</c> actor host), plus a listener on topic <c>orders</c> and
/// a publisher sidecar standing in for shipping. Everything talks over loopback HTTP, as in production.
/// </summary>
public sealed class OrderingSystem : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, decimal> Prices = new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        ["HEADLAMP-400"] = 39.50m,
        ["BOTTLE-750"] = 24.95m,
        ["TENT-2P"] = 249m,
        ["SCARCE-1"] = 5m,
    };

    private readonly LocalSidecars _sidecars = new("sidecart-ordering-tests", options => options with
    {
        DaprInternalPort = 0,
        GracefulShutdown = TimeSpan.FromSeconds(2),
    });

    private readonly List<WebApplication> _stubs = [];

    public StubStock Stock { get; } = new();

    public PaymentsStub Payments { get; } = new();

    /// <summary>The data of every CloudEvent the listener received on <c>orders</c>, with the CloudEvent id.</summary>
    public ConcurrentQueue<(string Id, JsonObject Data)> OrderEvents { get; } = new();

    /// <summary>Ordering itself, on its real port.</summary>
    public HttpClient App { get; private set; } = null!;

    /// <summary>Ordering's own sidecar: state read here is ordering's, and so are the workflows.</summary>
    public HttpClient OrderingSidecar { get; private set; } = null!;

    /// <summary>How long ordering keeps an Idempotency-Key here (not the default, so the test sees the setting applied).</summary>
    public static readonly TimeSpan IdempotencyKeyTimeToLive = TimeSpan.FromHours(2);

    /// <summary>The payment deadline here: long enough for every ordinary authorization, short enough to wait out.</summary>
    public static readonly TimeSpan PaymentDeadline = TimeSpan.FromSeconds(3);

    /// <summary>A sidecar with no app, publishing as shipping would.</summary>
    public HttpClient Shipping { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await _sidecars.WriteInMemoryComponentsAsync();

        await StartStubAsync("catalog", MapCatalog);
        await StartStubAsync("payments", MapPayments);
        var inventory = await StartStubAsync("inventory", MapInventory, (services, sidecar) => services
            .AddSingleton(Stock)
            .AddActors(o =>
            {
                o.HttpEndpoint = sidecar.HttpEndpoint.GetLeftPart(UriPartial.Authority);
                o.UseJsonSerialization = true;
                o.Actors.RegisterActor<StubSkuActor>();
            }));
        var listener = await StartStubAsync("listener", MapListener);

        var orderingPort = _sidecars.Track(new ReservedPort());
        var ordering = await StartSidecarAsync("ordering", orderingPort.Port);
        var factory = new OrderingFactory(ordering);
        _sidecars.Track(factory);
        // Kestrel options rather than UseKestrel(port), whose address rewrite races the app's own start.
        factory.UseKestrel(orderingPort.ServeWith);
        factory.StartServer();
        App = new HttpClient { BaseAddress = orderingPort.Address };
        OrderingSidecar = new HttpClient { BaseAddress = ordering.HttpEndpoint };
        Shipping = new HttpClient { BaseAddress = (await StartSidecarAsync("shipping", null)).HttpEndpoint };

        await WaitForMetadataAsync(ordering, m => m["workflows"]?["connectedWorkers"]?.GetValue<int>() >= 1 && m.ToJsonString().Contains("\"shipments\"", StringComparison.Ordinal), "ordering's workflow worker and subscriptions");
        await WaitForMetadataAsync(inventory, m => m["actorRuntime"]?["hostReady"]?.GetValue<bool>() == true, "the inventory stub's actors");
        await WaitForMetadataAsync(listener, m => m.ToJsonString().Contains("\"orders\"", StringComparison.Ordinal), "the listener's subscription");
    }

    public async ValueTask DisposeAsync()
    {
        App?.Dispose();
        OrderingSidecar?.Dispose();
        Shipping?.Dispose();
        await _sidecars.DisposeAsync();

        foreach (var stub in _stubs)
        {
            await stub.StopAsync();
            await stub.DisposeAsync();
        }
    }

    public static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what) =>
        Eventually.UntilAsync(read, done, what, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));

    private static void MapCatalog(WebApplication app) =>
        app.MapGet("/products/{sku}", (string sku) => Prices.TryGetValue(sku, out var price)
            ? Results.Json(new { sku, name = $"Product {sku}", price, currency = "EUR" })
            : Results.Problem(statusCode: 404, title: "Product not found"));

    private void MapPayments(WebApplication app)
    {
        app.MapPost("/payments/authorize", async (HttpRequest request) =>
        {
            var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            var orderId = body["orderId"]!.GetValue<string>();
            Payments.Calls.Enqueue($"authorize {orderId} {body["customerId"]} {body["amount"]} {body["currency"]}");
            var customerId = body["customerId"]!.GetValue<string>();
            Payments.CustomerOfOrder[orderId] = customerId;
            if (Payments.SlowCustomers.ContainsKey(customerId))
            {
                await Task.Delay(PaymentDeadline * 2);
            }

            if (Payments.UnavailableCustomers.ContainsKey(customerId))
            {
                return Results.Problem(statusCode: 503, title: "Payment provider unavailable");
            }

            return Payments.DecliningCustomers.ContainsKey(customerId)
                ? Results.Json(new { orderId, status = "Declined", reason = "card declined" })
                : Results.Json(new { orderId, status = "Authorized", authorizationId = $"auth-{orderId}" });
        });
        app.MapPost("/payments/refund", async (HttpRequest request) =>
        {
            var orderId = (await JsonNode.ParseAsync(request.Body))!["orderId"]!.GetValue<string>();
            if (Payments.CustomerOfOrder.TryGetValue(orderId, out var customerId) && Payments.UnavailableRefundCustomers.ContainsKey(customerId))
            {
                Payments.Calls.Enqueue($"refund {orderId} unavailable");
                return Results.Problem(statusCode: 503, title: "Payment provider unavailable");
            }

            Payments.Calls.Enqueue($"refund {orderId}");
            return Results.Json(new { orderId, status = "Refunded" });
        });
    }

    private static void MapInventory(WebApplication app) => app.MapActorsHandlers();

    private void MapListener(WebApplication app)
    {
        app.MapGet("/dapr/subscribe", () => Results.Json(new[] { new { pubsubname = "pubsub", topic = "orders", route = "/orders" } }));
        app.MapPost("/orders", async (HttpRequest request) =>
        {
            var cloudEvent = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            OrderEvents.Enqueue((cloudEvent["id"]!.GetValue<string>(), cloudEvent["data"]!.AsObject()));
            return Results.Ok();
        });
    }

    private async Task<LocalSidecar.Hosting.Sidecar> StartStubAsync(string appId, Action<WebApplication> map, Action<IServiceCollection, LocalSidecar.Hosting.Sidecar>? services = null)
    {
        var port = _sidecars.Track(new ReservedPort());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(port.ServeWith);
        var sidecar = await StartSidecarAsync(appId, port.Port);
        services?.Invoke(builder.Services, sidecar);
        builder.Configuration["DAPR_HTTP_ENDPOINT"] = sidecar.HttpEndpoint.ToString();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        _stubs.Add(app);
        return sidecar;
    }

    private Task<LocalSidecar.Hosting.Sidecar> StartSidecarAsync(string appId, int? appPort) => _sidecars.StartAsync(appId, appPort);

    private static async Task WaitForMetadataAsync(LocalSidecar.Hosting.Sidecar sidecar, Func<JsonObject, bool> ready, string what)
    {
        using var client = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        await EventuallyAsync(async () => JsonNode.Parse(await client.GetStringAsync("/v1.0/metadata"))!.AsObject(), ready, what);
    }

    private sealed class OrderingFactory(LocalSidecar.Hosting.Sidecar sidecar) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("DAPR_HTTP_PORT", sidecar.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("DAPR_GRPC_PORT", sidecar.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("OrderWorkflow:RetryInterval", "00:00:00.250");
            builder.UseSetting("OrderWorkflow:StepTimeout", "00:00:30");
            builder.UseSetting("OrderWorkflow:PaymentDeadline", PaymentDeadline.ToString());
            builder.UseSetting("OrderWorkflow:MaxPaymentAttempts", "2");
            builder.UseSetting("Idempotency:KeyTimeToLive", IdempotencyKeyTimeToLive.ToString());
            builder.UseContentRoot(AppContext.BaseDirectory);
        }
    }
}
