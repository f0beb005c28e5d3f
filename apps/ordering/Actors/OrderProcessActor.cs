using System.Text.Json;
using Microsoft.Extensions.Options;
using Sidecart.Dapr.Actors;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Infrastructure;
using Sidecart.Ordering.Model;
using Sidecart.Ordering.Services;

namespace Sidecart.Ordering.Actors;

/// <summary>
/// One order's saga: price (catalog), reserve every line (inventory's Sku actors), authorize payment, confirm the
/// reservations. Steps run in reminder turns, so a crash resumes the saga from its saved step; each step may run
/// again, which is safe because every downstream call is idempotent per order id.
/// <list type="bullet">
/// <item>unknown SKU or out of stock: <c>Rejected</c>, reservations released (stock unchanged);</item>
/// <item>payment declined, provider unavailable after <see cref="OrderProcessOptions.MaxPaymentAttempts"/>, or a
/// reservation that cannot be confirmed: <c>Cancelled</c>, reservations released and payment refunded;</item>
/// <item>stuck in one step for <see cref="OrderProcessOptions.StepTimeout"/>: <c>Cancelled</c>, compensated likewise.</item>
/// </list>
/// Compensation never waits for the payment provider: the order reaches its final status as soon as the reservations
/// are released, and the refund (<see cref="SagaStep.Refunding"/>) is retried afterwards until payments acknowledges it.
/// Any other failure leaves the step as it is for the next firing of the retry reminder.
/// </summary>
[Actor(TypeName = IOrderProcessActor.TypeName)]
public sealed class OrderProcessActor(
    ICatalog catalog,
    IActorProxyFactory actors,
    IPayments payments,
    IOrderRepository orders,
    IOrderEventPublisher events,
    IOptions<OrderProcessOptions> options,
    TimeProvider time,
    ILogger<OrderProcessActor> logger) : Actor, IOrderProcessActor, IRemindable
{
    public const string StateKey = "process";
    public const string AdvanceReminder = "advance";
    public const string DeadlineReminder = "deadline";

    private readonly OrderProcessOptions _options = options.Value;

    public async Task<Order> Start(ValidOrderRequest request)
    {
        if (await LoadAsync() is { } existing)
        {
            return existing.Order;
        }

        var state = new OrderProcessState { Order = Order.Place(Id, request.CustomerId, request.Lines), Step = SagaStep.Pricing };
        await orders.SaveAsync(state.Order, CancellationToken.None);
        await StateManager.SetStateAsync(StateKey, state);
        // Named arguments: positionally, the generic overload would take TimeSpan.Zero as reminder data and register a one-shot reminder.
        await RegisterReminderAsync(AdvanceReminder, dueTime: TimeSpan.Zero, period: _options.RetryInterval);
        await RegisterDeadlineAsync(state.Step);
        return state.Order;
    }

    public async Task<ShipmentOutcome> MarkShipped(ShipmentDispatched shipment)
    {
        if (await LoadAsync() is not { } state)
        {
            return ShipmentOutcome.UnknownOrder;
        }

        switch (state.Order.Status)
        {
            case OrderStatus.Shipped:
                return ShipmentOutcome.Shipped;
            case OrderStatus.Pending:
                return ShipmentOutcome.NotYetConfirmed;
            case OrderStatus.Confirmed:
                await ChangeStatusAsync(state, OrderStatus.Shipped, reason: null);
                await StateManager.SetStateAsync(StateKey, state);
                return ShipmentOutcome.Shipped;
            default:
                return ShipmentOutcome.NotShippable;
        }
    }

    public async Task ReceiveReminderAsync(string reminderName, JsonElement? state, string dueTime, string period)
    {
        if (await LoadAsync() is not { } process || process.Step == SagaStep.Completed)
        {
            StopFiringCurrentCallback();
            return;
        }

        if (reminderName == DeadlineReminder)
        {
            // A deadline set for an earlier step is stale, and once compensation has begun there is nothing left to cancel.
            var stuckIn = state?.Deserialize(OrderingJsonContext.Default.SagaStep);
            if (stuckIn != process.Step || !HasDeadline(process.Step))
            {
                return;
            }

            logger.LogWarning("Order {OrderId} was stuck in step {Step} past its deadline; cancelling it", Id, process.Step);
            Compensate(process, OrderStatus.Cancelled, $"The order was stuck in step {process.Step} for longer than {_options.StepTimeout}.");
            await SaveAsync(process);
        }

        await AdvanceAsync(process);
        if (process.Step == SagaStep.Completed)
        {
            StopFiringCurrentCallback();
            await UnregisterReminderAsync(reminderName == AdvanceReminder ? DeadlineReminder : AdvanceReminder);
        }
    }

    /// <summary>Runs steps until the saga completes or a step fails for a reason worth retrying.</summary>
    private async Task AdvanceAsync(OrderProcessState state)
    {
        while (state.Step != SagaStep.Completed)
        {
            var step = state.Step;
            try
            {
                await RunStepAsync(state);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Step {Step} of order {OrderId} failed; it is tried again in {RetryInterval}", step, Id, _options.RetryInterval);
                await SaveAsync(state);
                return;
            }

            await SaveAsync(state);
            if (state.Step != step && HasDeadline(state.Step))
            {
                await RegisterDeadlineAsync(state.Step);
            }
        }
    }

    private Task RunStepAsync(OrderProcessState state) => state.Step switch
    {
        SagaStep.Pricing => PriceAsync(state),
        SagaStep.Reserving => ReserveAsync(state),
        SagaStep.Authorizing => AuthorizeAsync(state),
        SagaStep.Confirming => ConfirmAsync(state),
        SagaStep.Compensating => CompensateAsync(state),
        SagaStep.Refunding => RefundAsync(state),
        _ => Task.CompletedTask,
    };

    private async Task PriceAsync(OrderProcessState state)
    {
        var products = new Dictionary<string, CatalogProduct?>(StringComparer.Ordinal);
        foreach (var line in state.Order.Items)
        {
            products[line.Sku] = await catalog.FindProductAsync(line.Sku, CancellationToken.None);
        }

        var pricing = OrderPricing.Price(state.Order.Items, products);
        if (pricing.Price is not { } price)
        {
            Compensate(state, OrderStatus.Rejected, pricing.RejectionReason);
            return;
        }

        // The Pending event goes out once the order is priced, since the event carries its total and currency.
        state.Order = state.Order.Priced(price);
        await orders.SaveAsync(state.Order, CancellationToken.None);
        await events.PublishAsync(OrderStatusChanged.From(state.Order, time.GetUtcNow()), CancellationToken.None);
        state.Step = SagaStep.Reserving;
    }

    private async Task ReserveAsync(OrderProcessState state)
    {
        foreach (var line in state.Order.Items.Where(l => !state.ReservedSkus.Contains(l.Sku)))
        {
            var result = await Sku(line.Sku).Reserve(new SkuReserveRequest(Id, line.Quantity));
            if (!result.Accepted)
            {
                Compensate(state, OrderStatus.Rejected,
                    $"Out of stock: {line.Sku} has {result.Available} available, {line.Quantity} ordered." + (result.Reason is { } reason ? $" {reason}" : ""));
                return;
            }

            state.ReservedSkus.Add(line.Sku);
            await SaveAsync(state);
        }

        state.Step = SagaStep.Authorizing;
    }

    private async Task AuthorizeAsync(OrderProcessState state)
    {
        state.PaymentAttempts++;
        state.Payment = PaymentProgress.Requested;
        await SaveAsync(state);
        PaymentResult result;
        try
        {
            result = await payments.AuthorizeAsync(
                new PaymentAuthorization(Id, state.Order.CustomerId, state.Order.Total, state.Order.Currency!), CancellationToken.None);
        }
        catch (PaymentsUnavailableException) when (state.PaymentAttempts >= _options.MaxPaymentAttempts)
        {
            Compensate(state, OrderStatus.Cancelled, $"The payment provider was unavailable for {state.PaymentAttempts} attempts.");
            return;
        }

        if (!result.IsAuthorized)
        {
            state.Payment = PaymentProgress.Declined;
            Compensate(state, OrderStatus.Cancelled, $"Payment declined: {result.Reason ?? "no reason given"}.");
            return;
        }

        state.Payment = PaymentProgress.Authorized;
        state.AuthorizationId = result.AuthorizationId;
        state.Step = SagaStep.Confirming;
    }

    private async Task ConfirmAsync(OrderProcessState state)
    {
        foreach (var line in state.Order.Items)
        {
            var result = await Sku(line.Sku).Confirm(new SkuOrderRequest(Id));
            if (!result.Accepted)
            {
                Compensate(state, OrderStatus.Cancelled, $"The reservation of {line.Sku} could not be confirmed: {result.Reason ?? "no reason given"}.");
                return;
            }
        }

        await ChangeStatusAsync(state, OrderStatus.Confirmed, null);
        state.Step = SagaStep.Completed;
    }

    private async Task CompensateAsync(OrderProcessState state)
    {
        // Every line is released, not only those known to be reserved: a Reserve whose answer was lost may still
        // have taken stock, and releasing an order a SKU does not know is a harmless no-op.
        foreach (var line in state.Order.Items)
        {
            await Sku(line.Sku).Release(new SkuOrderRequest(Id));
        }

        state.ReservedSkus.Clear();
        await ChangeStatusAsync(state, state.Outcome ?? OrderStatus.Cancelled, state.OutcomeReason);
        state.Step = state.Payment is PaymentProgress.Requested or PaymentProgress.Authorized ? SagaStep.Refunding : SagaStep.Completed;
    }

    /// <summary>Gives back what the customer may have been charged. While payments (or its provider) is unavailable
    /// this throws and the step is tried again by the next <c>advance</c>; payments refunds at most once per order id,
    /// so repeating it is safe.</summary>
    private async Task RefundAsync(OrderProcessState state)
    {
        state.RefundAttempts++;
        await payments.RefundAsync(Id, CancellationToken.None);
        state.Payment = PaymentProgress.Refunded;
        state.Step = SagaStep.Completed;
        logger.LogInformation("Payment of order {OrderId} refunded after {Attempts} attempt(s)", Id, state.RefundAttempts);
    }

    private static void Compensate(OrderProcessState state, OrderStatus outcome, string? reason)
    {
        state.Outcome = outcome;
        state.OutcomeReason = reason;
        state.Step = SagaStep.Compensating;
    }

    /// <summary>Moves the order and publishes the change. A retry after a failed publish finds the status already
    /// moved and publishes again, with the same CloudEvent id.</summary>
    private async Task ChangeStatusAsync(OrderProcessState state, OrderStatus status, string? reason)
    {
        if (state.Order.Status != status)
        {
            state.Order = state.Order.MoveTo(status, reason);
        }

        await orders.SaveAsync(state.Order, CancellationToken.None);
        await events.PublishAsync(OrderStatusChanged.From(state.Order, time.GetUtcNow()), CancellationToken.None);
        logger.LogInformation("Order {OrderId} is {Status}", Id, status);
    }

    /// <summary>Steps an order can be stuck in and cancelled from; compensation and refunding are retried instead.</summary>
    private static bool HasDeadline(SagaStep step) => step is SagaStep.Pricing or SagaStep.Reserving or SagaStep.Authorizing or SagaStep.Confirming;

    private ISkuActor Sku(string sku) => actors.CreateProxy<ISkuActor>(sku, ISkuActor.TypeName);

    private Task RegisterDeadlineAsync(SagaStep step) => RegisterReminderAsync(DeadlineReminder, step, _options.StepTimeout);

    private async Task<OrderProcessState?> LoadAsync() => (await StateManager.TryGetStateAsync<OrderProcessState>(StateKey)).Value;

    private async Task SaveAsync(OrderProcessState state)
    {
        await StateManager.SetStateAsync(StateKey, state);
        await StateManager.SaveStateAsync();
    }
}
