using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecart.Dapr.Actors;
using Sidecart.Dapr.Actors.Testing;
using Sidecart.Ordering.Actors;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Infrastructure;
using Sidecart.Ordering.Model;
using Sidecart.Ordering.Services;
using Sidecart.Ordering.Tests.Fakes;

namespace Sidecart.Ordering.Tests;

/// <summary>The saga under <see cref="ActorTestHost"/> with fake downstream services: every path to a final status.</summary>
public sealed class OrderProcessActorTests
{
    private const string OrderId = "ord-1";

    private readonly FakeCatalog _catalog = new();
    private readonly FakeInventory _inventory = new FakeInventory().WithStock("HEADLAMP-400", 5).WithStock("BOTTLE-750", 5);
    private readonly FakePayments _payments = new();
    private readonly RecordingOrders _orders = new();
    private readonly ActorTestHost<OrderProcessActor> _host;

    public OrderProcessActorTests()
    {
        var services = new ServiceCollection()
            .AddSingleton<ICatalog>(_catalog)
            .AddSingleton<IActorProxyFactory>(_inventory)
            .AddSingleton<IPayments>(_payments)
            .AddSingleton<IOrderRepository>(_orders)
            .AddSingleton<IOrderEventPublisher>(_orders)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .Configure<OrderProcessOptions>(o => o.MaxPaymentAttempts = 3)
            .BuildServiceProvider();
        _host = ActorTestHost.Create<OrderProcessActor>(OrderId, OrderingJsonContext.Default, services);
    }

    private static ValidOrderRequest TwoLines => new("cust-1", [new OrderLine("HEADLAMP-400", 2), new OrderLine("BOTTLE-750", 1)]);

    private Order Document => _orders.Documents[OrderId];

    private IEnumerable<OrderStatus> PublishedStatuses => _orders.Published.Select(e => e.Status);

    private OrderProcessState SavedProcess => _host.GetSavedState<OrderProcessState>(OrderProcessActor.StateKey)!;

    private static JsonElement DeadlineData(SagaStep step) => JsonSerializer.SerializeToElement(step, OrderingJsonContext.Default.SagaStep);

    private async Task FireAdvanceAsync(int times)
    {
        for (var i = 0; i < times; i++)
        {
            await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);
        }
    }

    [Fact]
    public async Task Start_records_a_pending_order_and_schedules_the_saga()
    {
        var order = await _host.InvokeAsync(a => a.Start(TwoLines));

        Assert.Equal(OrderStatus.Pending, order.Status);
        Assert.Equal(OrderStatus.Pending, Document.Status);
        Assert.Equal([OrderProcessActor.AdvanceReminder, OrderProcessActor.DeadlineReminder], _host.Reminders.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(SagaStep.Pricing, _host.GetSavedState<OrderProcessState>(OrderProcessActor.StateKey)!.Step);
        Assert.Empty(_inventory.Calls);
    }

    [Fact]
    public async Task A_repeated_start_returns_the_same_order_and_changes_nothing()
    {
        await _host.InvokeAsync(a => a.Start(TwoLines));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        var again = await _host.InvokeAsync(a => a.Start(new ValidOrderRequest("someone-else", [new OrderLine("BOTTLE-750", 9)])));

        Assert.Equal(OrderStatus.Confirmed, again.Status);
        Assert.Equal("cust-1", again.CustomerId);
        Assert.Single(_payments.Authorizations);
    }

    [Fact]
    public async Task The_happy_path_reserves_authorizes_confirms_and_publishes_each_status()
    {
        await _host.InvokeAsync(a => a.Start(TwoLines));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        Assert.Equal(OrderStatus.Confirmed, Document.Status);
        Assert.Equal(103.95m, Document.Total);
        Assert.Equal("EUR", Document.Currency);
        Assert.Equal(["Reserve HEADLAMP-400 2", "Reserve BOTTLE-750 1", "Confirm HEADLAMP-400", "Confirm BOTTLE-750"], _inventory.Calls);
        Assert.Equal(new PaymentAuthorization(OrderId, "cust-1", 103.95m, "EUR"), Assert.Single(_payments.Authorizations));
        Assert.Equal([OrderStatus.Pending, OrderStatus.Confirmed], PublishedStatuses);
        Assert.Equal($"{OrderId}-Confirmed", _orders.Published[^1].CloudEventId);
        Assert.Empty(_host.Reminders);
        Assert.Empty(_payments.Refunds);
    }

    [Fact]
    public async Task An_unknown_sku_rejects_the_order_without_touching_stock_or_payment()
    {
        await _host.InvokeAsync(a => a.Start(new ValidOrderRequest("cust-1", [new OrderLine("HEADLAMP-400", 1), new OrderLine("NOPE-1", 1)])));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        Assert.Equal(OrderStatus.Rejected, Document.Status);
        Assert.Contains("NOPE-1", Document.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(_inventory.Calls, c => c.StartsWith("Reserve", StringComparison.Ordinal));
        Assert.Empty(_payments.Authorizations);
        var rejected = Assert.Single(_orders.Published);
        Assert.Equal((OrderStatus.Rejected, OrderStatusChanged.NoCurrency), (rejected.Status, rejected.Currency));
        Assert.Empty(_host.Reminders);
    }

    [Fact]
    public async Task Out_of_stock_rejects_the_order_and_releases_the_earlier_lines()
    {
        _inventory.WithStock("BOTTLE-750", 0);

        await _host.InvokeAsync(a => a.Start(TwoLines));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        Assert.Equal(OrderStatus.Rejected, Document.Status);
        Assert.Contains("BOTTLE-750", Document.Reason, StringComparison.Ordinal);
        Assert.Contains("Release HEADLAMP-400", _inventory.Calls);
        Assert.Equal(5, _inventory["HEADLAMP-400"].Available);
        Assert.Empty(_inventory["HEADLAMP-400"].Reserved);
        Assert.Empty(_payments.Authorizations);
        Assert.Empty(_payments.Refunds);
        Assert.Equal([OrderStatus.Pending, OrderStatus.Rejected], PublishedStatuses);
    }

    [Fact]
    public async Task A_declined_payment_cancels_the_order_and_releases_the_stock()
    {
        _payments.Outcome = PaymentResult.Declined;

        await _host.InvokeAsync(a => a.Start(TwoLines));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        Assert.Equal(OrderStatus.Cancelled, Document.Status);
        Assert.Contains("declined", Document.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal((5, 5), (_inventory["HEADLAMP-400"].Available, _inventory["BOTTLE-750"].Available));
        Assert.DoesNotContain(_inventory.Calls, c => c.StartsWith("Confirm", StringComparison.Ordinal));
        Assert.Empty(_payments.Refunds);
        Assert.Equal([OrderStatus.Pending, OrderStatus.Cancelled], PublishedStatuses);
    }

    [Fact]
    public async Task A_payment_outage_is_retried_then_cancels_the_order_with_stock_released_and_a_refund()
    {
        _payments.Outcome = "Unavailable";
        await _host.InvokeAsync(a => a.Start(TwoLines));

        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);
        Assert.Equal(OrderStatus.Pending, Document.Status);
        Assert.Equal(3, _inventory["HEADLAMP-400"].Available);

        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        Assert.Equal(3, _payments.Authorizations.Count);
        Assert.Equal(OrderStatus.Cancelled, Document.Status);
        Assert.Contains("unavailable", Document.Reason, StringComparison.Ordinal);
        Assert.Equal((5, 5), (_inventory["HEADLAMP-400"].Available, _inventory["BOTTLE-750"].Available));
        Assert.Equal([OrderId], _payments.Refunds);
        Assert.Empty(_host.Reminders);
    }

    [Fact]
    public async Task A_provider_outage_cancels_the_order_and_releases_stock_while_the_refund_still_fails()
    {
        _payments.Outcome = "Unavailable";
        _payments.RefundsUnavailable = true;
        await _host.InvokeAsync(a => a.Start(TwoLines));

        await FireAdvanceAsync(times: 3);

        Assert.Equal(OrderStatus.Cancelled, Document.Status);
        Assert.Contains("unavailable", Document.Reason, StringComparison.Ordinal);
        Assert.Equal([OrderStatus.Pending, OrderStatus.Cancelled], PublishedStatuses);
        Assert.Equal((5, 5), (_inventory["HEADLAMP-400"].Available, _inventory["BOTTLE-750"].Available));
        Assert.Equal([OrderId], _payments.RefundAttempts);
        Assert.Empty(_payments.Refunds);
        Assert.Equal(SagaStep.Refunding, SavedProcess.Step);
        Assert.Contains(OrderProcessActor.AdvanceReminder, _host.Reminders.Keys);
    }

    [Fact]
    public async Task The_refund_is_retried_on_later_turns_and_the_saga_completes_once_payments_acknowledges_it()
    {
        _payments.Outcome = "Unavailable";
        _payments.RefundsUnavailable = true;
        await _host.InvokeAsync(a => a.Start(TwoLines));
        await FireAdvanceAsync(times: 4);
        Assert.Equal([OrderId, OrderId], _payments.RefundAttempts);
        Assert.Equal(SagaStep.Refunding, SavedProcess.Step);

        _payments.RefundsUnavailable = false;
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        Assert.Equal([OrderId], _payments.Refunds);
        Assert.Equal(3, _payments.RefundAttempts.Count);
        var process = SavedProcess;
        Assert.Equal((SagaStep.Completed, PaymentProgress.Refunded), (process.Step, process.Payment));
        Assert.Empty(_host.Reminders);
        Assert.Equal(OrderStatus.Cancelled, Document.Status);
        Assert.Equal([OrderStatus.Pending, OrderStatus.Cancelled], PublishedStatuses);
        Assert.Equal(2, _inventory.Calls.Count(c => c.StartsWith("Release", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_deadline_does_not_cancel_or_compensate_again_while_the_refund_is_retried()
    {
        // A catalog outage would leave the saga in Pricing; here the payment is stuck instead, so there is a charge to refund.
        _payments.Outcome = "Unavailable";
        _payments.RefundsUnavailable = true;
        await _host.InvokeAsync(a => a.Start(TwoLines));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);
        Assert.Equal(SagaStep.Authorizing, SavedProcess.Step);

        await _host.FireReminderAsync(OrderProcessActor.DeadlineReminder);
        Assert.Equal(OrderStatus.Cancelled, Document.Status);
        Assert.Equal(SagaStep.Refunding, SavedProcess.Step);
        var released = _inventory.Calls.Count(c => c.StartsWith("Release", StringComparison.Ordinal));

        // A deadline delivered late (it was in flight when the step changed) and more refund retries.
        await _host.InvokeAsync(a => a.ReceiveReminderAsync(OrderProcessActor.DeadlineReminder, DeadlineData(SagaStep.Refunding), "0s", ""));
        await _host.InvokeAsync(a => a.ReceiveReminderAsync(OrderProcessActor.DeadlineReminder, DeadlineData(SagaStep.Authorizing), "0s", ""));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        Assert.Equal(released, _inventory.Calls.Count(c => c.StartsWith("Release", StringComparison.Ordinal)));
        Assert.Equal([OrderStatus.Pending, OrderStatus.Cancelled], PublishedStatuses);
        Assert.Contains("Authorizing", Document.Reason, StringComparison.Ordinal);
        Assert.Equal(2, _payments.RefundAttempts.Count);
        Assert.Equal(SagaStep.Refunding, SavedProcess.Step);
    }

    [Fact]
    public async Task A_declined_payment_completes_the_saga_without_asking_for_a_refund()
    {
        _payments.Outcome = PaymentResult.Declined;
        _payments.RefundsUnavailable = true;

        await _host.InvokeAsync(a => a.Start(TwoLines));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        Assert.Equal(OrderStatus.Cancelled, Document.Status);
        Assert.Empty(_payments.RefundAttempts);
        Assert.Equal((SagaStep.Completed, PaymentProgress.Declined), (SavedProcess.Step, SavedProcess.Payment));
        Assert.Empty(_host.Reminders);
    }

    [Fact]
    public async Task A_refund_is_never_asked_for_again_once_payments_acknowledged_it()
    {
        _payments.Outcome = "Unavailable";
        _payments.RefundsUnavailable = true;
        await _host.InvokeAsync(a => a.Start(TwoLines));
        await FireAdvanceAsync(times: 3);
        _payments.RefundsUnavailable = false;
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);
        Assert.Equal([OrderId], _payments.Refunds);

        // Reminders delivered after they were unregistered, a new activation, and a repeated start.
        await _host.InvokeAsync(a => a.ReceiveReminderAsync(OrderProcessActor.AdvanceReminder, null, "0s", "1s"));
        await _host.DeactivateAsync();
        await _host.InvokeAsync(a => a.ReceiveReminderAsync(OrderProcessActor.AdvanceReminder, null, "0s", "1s"));
        await _host.InvokeAsync(a => a.ReceiveReminderAsync(OrderProcessActor.DeadlineReminder, DeadlineData(SagaStep.Authorizing), "0s", ""));
        await _host.InvokeAsync(a => a.Start(TwoLines));

        Assert.Equal(2, _payments.RefundAttempts.Count); // the one that failed and the one acknowledged
        Assert.Single(_payments.Refunds);
        Assert.Equal([OrderStatus.Pending, OrderStatus.Cancelled], PublishedStatuses);
    }

    [Fact]
    public async Task An_outage_that_ends_before_the_last_attempt_confirms_the_order()
    {
        _payments.Outcome = "Unavailable";
        await _host.InvokeAsync(a => a.Start(TwoLines));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        _payments.Outcome = PaymentResult.Authorized;
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        Assert.Equal(OrderStatus.Confirmed, Document.Status);
        Assert.Equal(2, _payments.Authorizations.Count);
    }

    [Fact]
    public async Task The_deadline_cancels_an_order_stuck_in_a_step_and_compensates()
    {
        _catalog.Unreachable = true;
        await _host.InvokeAsync(a => a.Start(TwoLines));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);
        Assert.Equal(OrderStatus.Pending, Document.Status);

        await _host.FireReminderAsync(OrderProcessActor.DeadlineReminder);

        Assert.Equal(OrderStatus.Cancelled, Document.Status);
        Assert.Contains("Pricing", Document.Reason, StringComparison.Ordinal);
        Assert.Equal(["Release HEADLAMP-400", "Release BOTTLE-750"], _inventory.Calls);
        Assert.Equal([OrderStatus.Cancelled], PublishedStatuses);
        Assert.Empty(_host.Reminders);
    }

    [Fact]
    public async Task A_saga_resumes_on_a_new_activation_from_its_saved_step()
    {
        _payments.Outcome = "Unavailable";
        await _host.InvokeAsync(a => a.Start(TwoLines));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);
        await _host.DeactivateAsync();

        _payments.Outcome = PaymentResult.Authorized;
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        Assert.Equal(OrderStatus.Confirmed, Document.Status);
        Assert.Equal(2, _inventory.Calls.Count(c => c.StartsWith("Reserve", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_shipment_moves_a_confirmed_order_to_shipped_once()
    {
        var shipment = new ShipmentDispatched(OrderId, "shp-1", "Sidecart Express", "SCX1", DateTimeOffset.UtcNow);
        Assert.Equal(ShipmentOutcome.UnknownOrder, await _host.InvokeAsync(a => a.MarkShipped(shipment)));
        await _host.InvokeAsync(a => a.Start(TwoLines));
        Assert.Equal(ShipmentOutcome.NotYetConfirmed, await _host.InvokeAsync(a => a.MarkShipped(shipment)));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        Assert.Equal(ShipmentOutcome.Shipped, await _host.InvokeAsync(a => a.MarkShipped(shipment)));
        Assert.Equal(ShipmentOutcome.Shipped, await _host.InvokeAsync(a => a.MarkShipped(shipment)));

        Assert.Equal(OrderStatus.Shipped, Document.Status);
        Assert.Null(Document.Reason);
        Assert.Null(_orders.Published[^1].Reason);
        Assert.Equal([OrderStatus.Pending, OrderStatus.Confirmed, OrderStatus.Shipped], PublishedStatuses);
    }

    [Fact]
    public async Task A_cancelled_order_never_ships()
    {
        _payments.Outcome = PaymentResult.Declined;
        await _host.InvokeAsync(a => a.Start(TwoLines));
        await _host.FireReminderAsync(OrderProcessActor.AdvanceReminder);

        var outcome = await _host.InvokeAsync(a => a.MarkShipped(new ShipmentDispatched(OrderId, "shp-1", "c", "t", DateTimeOffset.UtcNow)));

        Assert.Equal(ShipmentOutcome.NotShippable, outcome);
        Assert.Equal(OrderStatus.Cancelled, Document.Status);
    }
}
