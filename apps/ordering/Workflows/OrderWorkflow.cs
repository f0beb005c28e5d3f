using Dapr.Workflow;
using Sidecart.Ordering.Actors;
using Sidecart.Ordering.Model;
using Sidecart.Ordering.Services;
using Sidecart.Ordering.Workflows.Activities;

namespace Sidecart.Ordering.Workflows;

/// <summary>
/// One order's saga (instance id = order id): price the lines (catalog), reserve each (inventory's <c>Sku</c>
/// actors), authorize the payment (payments) before the payment deadline, confirm the reservations. The sidecar keeps
/// the history, so a crash resumes the saga where it stopped; an activity may run again, which is safe because every
/// downstream call is idempotent per order id.
/// <list type="bullet">
/// <item>unknown SKU or out of stock: <c>Rejected</c>, reservations released (stock unchanged);</item>
/// <item>payment declined, payments unavailable for every attempt, the payment deadline passed, or a reservation that
/// cannot be confirmed: <c>Cancelled</c>, reservations released and (unless declined) the payment refunded;</item>
/// <item>catalog or inventory failing for longer than the step timeout: <c>Cancelled</c>, compensated likewise.</item>
/// </list>
/// Compensation never waits for the payment provider: the order reaches its final status as soon as the reservations
/// are released, and the refund is retried afterwards until payments acknowledges it.
/// </summary>
public sealed class OrderWorkflow : Workflow<OrderWorkflowInput, OrderStatus>
{
    public override async Task<OrderStatus> RunAsync(WorkflowContext context, OrderWorkflowInput input)
    {
        var saga = new Saga(context, input);
        return await saga.RunAsync();
    }

    private sealed class Saga(WorkflowContext context, OrderWorkflowInput input)
    {
        private readonly OrderWorkflowOptions _options = input.Options;
        private Order _order = input.PendingOrder;

        /// <summary>A step that may keep failing until the step timeout, then cancels the order.</summary>
        private WorkflowTaskOptions Step => new(new WorkflowRetryPolicy(int.MaxValue, _options.RetryInterval, retryTimeout: _options.StepTimeout));

        /// <summary>Compensation and bookkeeping: retried until done, never given up.</summary>
        private WorkflowTaskOptions UntilDone => new(new WorkflowRetryPolicy(int.MaxValue, _options.RetryInterval));

        private WorkflowTaskOptions Payment => new(new WorkflowRetryPolicy(_options.MaxPaymentAttempts, _options.RetryInterval));

        public async Task<OrderStatus> RunAsync()
        {
            // Until the priced order is written, GET /orders/{id} answers the pending order from this workflow's input.
            PricingResult pricing;
            try
            {
                pricing = await context.CallActivityAsync<PricingResult>(nameof(PriceOrderActivity), _order.Items, Step);
            }
            catch (WorkflowTaskFailedException e)
            {
                return await CompensateAsync(OrderStatus.Cancelled, Stuck("Pricing", e), refund: false);
            }

            if (pricing.Price is not { } price)
            {
                return await CompensateAsync(OrderStatus.Rejected, pricing.RejectionReason, refund: false);
            }

            // The Pending event goes out once the order is priced, since the event carries its total and currency.
            _order = _order.Priced(price);
            var recorded = await SaveAsync(publish: true);
            if (recorded.Status != OrderStatus.Pending)
            {
                // A saga started again for an order that had already ended leaves it as it is.
                return recorded.Status;
            }

            foreach (var line in _order.Items)
            {
                SkuReservationResult reservation;
                try
                {
                    reservation = await context.CallActivityAsync<SkuReservationResult>(nameof(ReserveStockActivity), Stock(line), Step);
                }
                catch (WorkflowTaskFailedException e)
                {
                    return await CompensateAsync(OrderStatus.Cancelled, Stuck("Reserving", e), refund: false);
                }

                if (!reservation.Accepted)
                {
                    return await CompensateAsync(OrderStatus.Rejected,
                        $"Out of stock: {line.Sku} has {reservation.Available} available, {line.Quantity} ordered." + (reservation.Reason is { } reason ? $" {reason}" : ""),
                        refund: false);
                }
            }

            if (await AuthorizeAsync() is { } failure)
            {
                return await CompensateAsync(OrderStatus.Cancelled, failure.Reason, failure.MayHaveCharged);
            }

            foreach (var line in _order.Items)
            {
                SkuReservationResult confirmation;
                try
                {
                    confirmation = await context.CallActivityAsync<SkuReservationResult>(nameof(ConfirmStockActivity), Stock(line), Step);
                }
                catch (WorkflowTaskFailedException e)
                {
                    return await CompensateAsync(OrderStatus.Cancelled, Stuck("Confirming", e), refund: true);
                }

                if (!confirmation.Accepted)
                {
                    return await CompensateAsync(OrderStatus.Cancelled,
                        $"The reservation of {line.Sku} could not be confirmed: {confirmation.Reason ?? "no reason given"}.", refund: true);
                }
            }

            _order = _order.MoveTo(OrderStatus.Confirmed);
            await SaveAsync(publish: true);
            return OrderStatus.Confirmed;
        }

        /// <summary>Null once authorized; otherwise why the order is cancelled, and whether the customer may have been
        /// charged (every outcome but a decline: an attempt without an answer may still have gone through).</summary>
        private async Task<(string Reason, bool MayHaveCharged)?> AuthorizeAsync()
        {
            using var deadlineCancellation = new CancellationTokenSource();
            var deadline = context.CreateTimer(_options.PaymentDeadline, deadlineCancellation.Token);
            var authorization = context.CallActivityAsync<PaymentResult>(nameof(AuthorizePaymentActivity),
                new PaymentAuthorization(_order.OrderId, _order.CustomerId, _order.Total, _order.Currency!), Payment);

            if (await Task.WhenAny(authorization, deadline) == deadline)
            {
                return ($"The payment was not authorized within {_options.PaymentDeadline}.", true);
            }

            deadlineCancellation.Cancel();
            try
            {
                var result = await authorization;
                return result.IsAuthorized ? null : ($"Payment declined: {result.Reason ?? "no reason given"}.", false);
            }
            catch (WorkflowTaskFailedException e)
            {
                return (e.FailureDetails.ErrorType == typeof(PaymentsUnavailableException).FullName
                    ? $"The payment provider was unavailable for {_options.MaxPaymentAttempts} attempts."
                    : $"Payments could not be reached for {_options.MaxPaymentAttempts} attempts: {e.FailureDetails.ErrorMessage}", true);
            }
        }

        /// <summary>Releases every line, not only those known to be reserved (a Reserve whose answer was lost may still
        /// have taken stock, and releasing an order a SKU does not know is a harmless no-op), then ends the order with
        /// <paramref name="outcome"/>, then refunds what may have been charged.</summary>
        private async Task<OrderStatus> CompensateAsync(OrderStatus outcome, string? reason, bool refund)
        {
            foreach (var line in _order.Items)
            {
                await context.CallActivityAsync<SkuReservationResult>(nameof(ReleaseStockActivity), Stock(line), UntilDone);
            }

            _order = _order.MoveTo(outcome, reason);
            await SaveAsync(publish: true);
            if (refund)
            {
                await context.CallActivityAsync<bool>(nameof(RefundPaymentActivity), _order.OrderId, UntilDone);
            }

            return outcome;
        }

        private Task<Order> SaveAsync(bool publish) =>
            context.CallActivityAsync<Order>(nameof(SaveOrderActivity), new OrderUpdate(_order, publish), UntilDone);

        private StockRequest Stock(OrderLine line) => new(_order.OrderId, line.Sku, line.Quantity);

        private string Stuck(string step, WorkflowTaskFailedException e) =>
            $"The order was stuck in step {step} for longer than {_options.StepTimeout}: {e.FailureDetails.ErrorMessage}";
    }
}
