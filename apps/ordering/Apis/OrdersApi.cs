using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
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

    public static async Task<Results<Ok<Order>, ProblemHttpResult>> GetOrder(string orderId, OrderService orders, CancellationToken cancellationToken) =>
        await orders.FindAsync(orderId, cancellationToken) is { } order
            ? TypedResults.Ok(order)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found", detail: $"No order has id '{orderId}'.");
}
