using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sidecart.Dapr.Actors.Testing;
using Sidecart.Dapr.Actors.Tests.Actors;

namespace Sidecart.Dapr.Actors.Tests;

/// <summary>Actor logic under <see cref="ActorTestHost"/>: no sidecar, the same turn semantics as the real host.</summary>
public sealed class ActorTestHostTests
{
    private static ActorTestHost<SkuActor> NewSku() => ActorTestHost.Create<SkuActor>("SKU-1", TestActorsJsonContext.Default);

    private static ActorTestHost<CounterActor> NewCounter(ActivationLog? log = null) =>
        ActorTestHost.Create<CounterActor>("counter-1", services: new ServiceCollection().AddSingleton(log ?? new ActivationLog()).BuildServiceProvider());

    [Fact]
    public async Task All_changes_of_a_turn_are_saved_in_one_transaction_at_its_end()
    {
        var host = NewSku();
        Assert.Equal("Sku", host.ActorType);
        await host.InvokeAsync(sku => sku.AddStock(10));
        Assert.Single(host.StateTransactions);

        var result = await host.InvokeAsync(sku => sku.Reserve(new ReserveRequest("order-1", 3, TimeSpan.FromMinutes(5))));

        Assert.Equal(new ReservationResult(true, 7), result);
        Assert.Equal(2, host.StateTransactions.Count);
        var reserve = host.StateTransactions[1];
        Assert.Equal(["reservations", "stock"], reserve.Select(o => o.Key).Order());
        Assert.All(reserve, o => Assert.Equal(StateOperationType.Upsert, o.Operation));
        Assert.Equal(7, host.GetSavedState<int>("stock"));
        Assert.Equal(3, host.GetSavedState<Dictionary<string, int>>("reservations")!["order-1"]);
    }

    [Fact]
    public async Task A_turn_that_only_reads_saves_nothing()
    {
        var host = NewSku();
        host.SeedState("stock", 4);

        Assert.Equal(4, await host.InvokeAsync(sku => sku.Available()));
        Assert.Empty(host.StateTransactions);
    }

    [Fact]
    public async Task A_turn_that_throws_saves_nothing_and_the_next_turn_sees_the_saved_state()
    {
        var host = NewCounter();
        await host.InvokeAsync(counter => counter.Increment(2));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.InvokeAsync(counter => counter.IncrementThenFail(5)));

        Assert.Equal("the counter refused", error.Message);
        Assert.Single(host.StateTransactions);
        Assert.Equal(2, host.GetSavedState<int>("count"));
        Assert.False(host.SavedState.ContainsKey("note"));
        Assert.Equal(2, await host.InvokeAsync(counter => counter.Get()));
        Assert.False(await host.InvokeAsync(counter => counter.HasNote(CancellationToken.None)));
    }

    [Fact]
    public async Task A_reservation_registers_a_reminder_whose_firing_gives_the_stock_back_and_is_saved()
    {
        var host = NewSku();
        await host.InvokeAsync(sku => sku.AddStock(5));
        await host.InvokeAsync(sku => sku.Reserve(new ReserveRequest("order-9", 2, TimeSpan.FromMinutes(15))));

        var reminder = Assert.Single(host.Reminders);
        Assert.Equal("expire-order-9", reminder.Key);
        Assert.Equal("0h15m0s0ms", reminder.Value.DueTime);
        Assert.Null(reminder.Value.Period);
        Assert.Equal("order-9", reminder.Value.Data?.GetString());

        Assert.False(await host.FireReminderAsync("expire-order-9"));

        Assert.Empty(host.Reminders);
        Assert.Equal(5, host.GetSavedState<int>("stock"));
        Assert.Empty(host.GetSavedState<Dictionary<string, int>>("reservations")!);
        Assert.Equal(3, host.StateTransactions.Count);
    }

    [Fact]
    public async Task Releasing_a_reservation_unregisters_its_reminder()
    {
        var host = NewSku();
        await host.InvokeAsync(sku => sku.AddStock(5));
        await host.InvokeAsync(sku => sku.Reserve(new ReserveRequest("order-9", 2, TimeSpan.FromMinutes(15))));

        await host.InvokeAsync(sku => sku.Release("order-9"));

        Assert.Empty(host.Reminders);
        Assert.Equal(5, host.GetSavedState<int>("stock"));
    }

    [Fact]
    public async Task A_timer_calls_its_named_callback_with_its_data_until_the_actor_stops_it()
    {
        var host = NewCounter();
        await host.InvokeAsync(counter => counter.StartTicking(2));
        var timer = Assert.Single(host.Timers).Value;
        Assert.Equal("OnTickAsync", timer.Callback);
        Assert.Equal(2, timer.Data?.GetInt32());

        Assert.False(await host.FireTimerAsync("tick"));
        Assert.True(await host.FireTimerAsync("tick"));

        Assert.Empty(host.Timers);
        Assert.Equal(2, host.GetSavedState<int>("ticks"));
    }

    [Fact]
    public async Task Deactivation_ends_timers_and_the_next_instance_reads_the_saved_state()
    {
        var log = new ActivationLog();
        var host = NewCounter(log);
        await host.InvokeAsync(counter => counter.Increment(4));
        await host.InvokeAsync(counter => counter.StartTicking(10));
        var first = host.Actor;

        await host.DeactivateAsync();

        Assert.Empty(host.Timers);
        Assert.Equal(4, await host.InvokeAsync(counter => counter.Get()));
        Assert.NotSame(first, host.Actor);
        Assert.Equal(2, log.Count("CounterActor", "counter-1", "activated"));
        Assert.Equal(1, log.Count("CounterActor", "counter-1", "deactivated"));
    }

    [Fact]
    public async Task State_removed_in_a_turn_is_deleted_in_its_transaction()
    {
        var host = ActorTestHost.Create<ScratchActor>("s-1");
        host.SeedState("keep", "k");
        host.SeedState("drop", "d");

        var outcome = await host.InvokeAsync(actor => actor.RemoveAndReport("drop"));

        Assert.Equal("removed=True contains=False again=False", outcome);
        var operation = Assert.Single(Assert.Single(host.StateTransactions));
        Assert.Equal(StateOperationType.Delete, operation.Operation);
        Assert.Equal("drop", operation.Key);
        Assert.Equal(["keep"], host.SavedState.Keys);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => host.InvokeAsync(actor => actor.Read("drop")));
    }

    [Fact]
    public void A_method_whose_argument_is_missing_from_the_json_context_fails_at_registration()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ActorTestHost.Create<SkuActor>("SKU-1"));
        Assert.Contains("ReserveRequest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overloaded_actor_methods_are_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ActorTestHost.Create<OverloadedActor>("o-1"));
        Assert.Contains("overloaded", error.Message, StringComparison.Ordinal);
    }

    public interface IScratchActor : IActor
    {
        Task<string> RemoveAndReport(string key);

        Task<string> Read(string key);
    }

    public sealed class ScratchActor : Actor, IScratchActor
    {
        public async Task<string> RemoveAndReport(string key)
        {
            var removed = await StateManager.RemoveStateAsync(key);
            var again = await StateManager.RemoveStateAsync(key);
            return $"removed={removed} contains={await StateManager.ContainsStateAsync(key)} again={again}";
        }

        public Task<string> Read(string key) => StateManager.GetStateAsync<string>(key);
    }

    public interface IOverloadedActor : IActor
    {
        Task Do(int value);

        Task Do(string value);
    }

    public sealed class OverloadedActor : Actor, IOverloadedActor
    {
        public Task Do(int value) => Task.CompletedTask;

        public Task Do(string value) => Task.CompletedTask;
    }
}
