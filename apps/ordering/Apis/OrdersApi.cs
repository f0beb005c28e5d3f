using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sidecart.Dapr;
using Sidecart.Dapr.AspNetCore;
using Sidecart.Ordering.Actors;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Infrastructure;
using Sidecart.Ordering.Model;
using Sidecart.Ordering.Services;

namespace Sidecart.Ordering.Apis;

public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/orders").WithTags("Orders");
        orders.MapPost("/", PlaceOrder).WithName("PlaceOrder").ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        orders.MapGet("/{orderId}", GetOrder).WithName("GetOrder");

        app.MapPost("/events/shipments", OnShipmentDispatched)
            .WithTopic(OrderEventPublisher.PubSubName, ShipmentDispatched.Topic, deadLetterTopic: ShipmentDispatched.DeadLetterTopic)
            .ExcludeFromDescription();
        app.MapPost("/events/shipments-dlq", OnShipmentDeadLettered)
            .WithTopic(OrderEventPublisher.PubSubName, ShipmentDispatched.DeadLetterTopic)
            .ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<Accepted<OrderAccepted>, ValidationProblem, ProblemHttpResult>> PlaceOrder(
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        PlaceOrderRequest? request,
        OrderService orders,
        CancellationToken cancellationToken)
    {
        var errors = OrderRules.Validate(idempotencyKey, request, out var valid);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var placement = await orders.PlaceAsync(idempotencyKey!, valid!, cancellationToken);
        if (placement.IsKeyReused)
        {
            // As the IETF Idempotency-Key draft and payment APIs do: a key is bound to the request it was first sent with.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Idempotency-Key already used for a different request",
                detail: "This Idempotency-Key placed an order with another customer or other items. Use a new key for a new order.");
        }

        var order = placement.Order;
        return TypedResults.Accepted($"/orders/{order.OrderId}", new OrderAccepted(order.OrderId, order.Status));
    }

    public static async Task<Results<Ok<Order>, ProblemHttpResult>> GetOrder(string orderId, IOrderRepository orders, CancellationToken cancellationToken) =>
        await orders.FindAsync(orderId, cancellationToken) is { } order
            ? TypedResults.Ok(order)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found", detail: $"No order has id '{orderId}'.");

    public static Task<TopicResult> OnShipmentDispatched(
        CloudEvent<ShipmentDispatched> shipment, IdempotentConsumer once, OrderService orders, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        once.HandleOnceAsync(shipment, async (e, _) =>
        {
            var outcome = await orders.MarkShippedAsync(e.Data);
            if (outcome is ShipmentOutcome.Shipped)
            {
                return TopicResults.Success();
            }

            if (outcome is ShipmentOutcome.NotYetConfirmed)
            {
                return TopicResults.Retry();
            }

            // Dropped events go to shipments-dlq, where OnShipmentDeadLettered keeps them.
            loggers.CreateLogger(typeof(OrdersApi)).LogError("Shipment {ShipmentId} cannot ship order {OrderId}: {Outcome}", e.Data.ShipmentId, e.Data.OrderId, outcome);
            return TopicResults.Drop();
        }, cancellationToken);

    /// <summary>Keeps each dead-lettered shipment event in <c>statestore</c> (<c>dead-letter-shipments-{id}</c>) for an operator.</summary>
    public static async Task<TopicResult> OnShipmentDeadLettered(CloudEvent<JsonElement> deadLetter, DaprClient dapr, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        loggers.CreateLogger(typeof(OrdersApi)).LogError("Shipment event {EventId} was dead-lettered; kept for inspection", deadLetter.Id);
        await dapr.SaveStateAsync(OrderRepository.StoreName, $"dead-letter-shipments-{deadLetter.Id}", deadLetter.Data, OrderingJsonContext.Default.JsonElement, cancellationToken: cancellationToken);
        return TopicResults.Success();
    }
}
