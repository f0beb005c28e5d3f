using Dapr.Client;
using Dapr.Workflow;
using Microsoft.Extensions.Options;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Infrastructure;
using Sidecart.Ordering.Model;
using Sidecart.Ordering.Workflows;

namespace Sidecart.Ordering.Services;

/// <summary>
/// Places orders as <see cref="OrderWorkflow"/> instances (instance id = order id), exactly once per
/// <c>Idempotency-Key</c>: the key is claimed in <c>statestore</c> (kept for <see cref="IdempotencyOptions.KeyTimeToLive"/>),
/// so of two concurrent requests with one key only one order id wins and both start that order's workflow, which
/// the sidecar starts once. The record keeps the request's fingerprint, so the key reused for a different request is
/// refused instead of answered with another order.
/// </summary>
public sealed class OrderService(
    DaprClient dapr,
    DaprWorkflowClient workflows,
    IOrderRepository orders,
    IOrderEventPublisher events,
    TimeProvider time,
    IOptions<IdempotencyOptions> idempotency,
    IOptions<OrderWorkflowOptions> workflowOptions)
{
    public const string StoreName = "statestore";

    // A claim fails when the key is taken (or the store failed); the record can still be gone when read again (its
    // TTL just ran out), and then the key is free to claim again.
    private const int MaxClaimRounds = 3;

    private static string IdempotencyStateKey(string idempotencyKey) => $"idempotency-{idempotencyKey}";

    public async Task<OrderPlacement> PlaceAsync(string idempotencyKey, ValidOrderRequest request, CancellationToken cancellationToken)
    {
        var fingerprint = OrderRequestFingerprint.Of(request);
        var record = await ClaimAsync(IdempotencyStateKey(idempotencyKey), fingerprint, cancellationToken);
        if (record.RequestFingerprint is { } stored && stored != fingerprint)
        {
            return OrderPlacement.KeyReused;
        }

        // A repeated request gets the order as it is. A pending one may be a retry after a crash between writing the
        // document and starting the workflow: starting is idempotent, so it is asked again.
        var existing = await orders.FindAsync(record.OrderId, cancellationToken);
        if (existing is { Status: not OrderStatus.Pending })
        {
            return new OrderPlacement(existing);
        }

        // The pending document is written before the order is accepted, so GET /orders/{id} finds it at once: the
        // workflow's input is no substitute, a sidecar shows it only after the first turn, which waits for a worker.
        var input = new OrderWorkflowInput(record.OrderId, request.CustomerId, request.Lines, workflowOptions.Value);
        var pending = existing ?? await orders.SaveForwardAsync(input.PendingOrder, cancellationToken);
        await StartOnceAsync(input, cancellationToken);
        return new OrderPlacement(pending);
    }

    /// <summary>The order document, or, for an order accepted before documents were written on acceptance, the pending
    /// order its workflow started with.</summary>
    public async Task<Order?> FindAsync(string orderId, CancellationToken cancellationToken)
    {
        if (await orders.FindAsync(orderId, cancellationToken) is { } order)
        {
            return order;
        }

        var workflow = await workflows.GetWorkflowStateAsync(orderId, getInputsAndOutputs: true, cancellationToken);
        return workflow.Exists && workflow.WorkflowName == nameof(OrderWorkflow) ? workflow.ReadInputAs<OrderWorkflowInput>()?.PendingOrder : null;
    }

    /// <summary>Moves a Confirmed order to Shipped and publishes it; a repeated shipment publishes again, with the same
    /// CloudEvent id, so a crash between the two loses nothing.</summary>
    public async Task<ShipmentOutcome> MarkShippedAsync(ShipmentDispatched shipment, CancellationToken cancellationToken)
    {
        var order = await orders.FindAsync(shipment.OrderId, cancellationToken);
        switch (order?.Status)
        {
            case null:
                return ShipmentOutcome.UnknownOrder;
            case OrderStatus.Pending:
                return ShipmentOutcome.NotYetConfirmed;
            case OrderStatus.Confirmed or OrderStatus.Shipped:
                var shipped = order.Status == OrderStatus.Shipped ? order : await orders.SaveForwardAsync(order.MoveTo(OrderStatus.Shipped), cancellationToken);
                if (shipped.Status != OrderStatus.Shipped)
                {
                    return ShipmentOutcome.NotShippable;
                }

                await events.PublishAsync(OrderStatusChanged.From(shipped, time.GetUtcNow()), cancellationToken);
                return ShipmentOutcome.Shipped;
            default:
                return ShipmentOutcome.NotShippable;
        }
    }

    private async Task StartOnceAsync(OrderWorkflowInput input, CancellationToken cancellationToken)
    {
        if ((await workflows.GetWorkflowStateAsync(input.OrderId, getInputsAndOutputs: false, cancellationToken)).Exists)
        {
            return;
        }

        try
        {
            await workflows.ScheduleNewWorkflowAsync(nameof(OrderWorkflow), input.OrderId, input);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Refused when a concurrent request with the same key started it first; anything else is a real failure.
            if (!(await workflows.GetWorkflowStateAsync(input.OrderId, getInputsAndOutputs: false, cancellationToken)).Exists)
            {
                throw;
            }
        }
    }

    /// <summary>The key's record: a new one naming a new order id, or the one an earlier request stored.</summary>
    private async Task<IdempotencyRecord> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        var candidate = new IdempotencyRecord($"ord-{Guid.NewGuid():N}", fingerprint);
        var metadata = new Dictionary<string, string>
        {
            ["contentType"] = "application/json",
            ["ttlInSeconds"] = ((long)idempotency.Value.KeyTimeToLive.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        for (var round = 0; round < MaxClaimRounds; round++)
        {
            if (await dapr.GetStateAsync<IdempotencyRecord?>(StoreName, key, ConsistencyMode.Strong, cancellationToken: cancellationToken) is { } existing)
            {
                return existing;
            }

            // Not created: taken by a concurrent request, or the store failed; the next round reads again to tell which.
            if (await dapr.TryCreateStateAsync(StoreName, key, candidate, metadata, cancellationToken))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"Idempotency key record {key} could neither be claimed nor read.");
    }
}
