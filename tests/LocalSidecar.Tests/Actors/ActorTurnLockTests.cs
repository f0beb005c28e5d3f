using LocalSidecar.Actors;

namespace LocalSidecar.Tests.Actors;

public sealed class ActorTurnLockTests
{
    [Fact]
    public async Task Waiting_callers_are_admitted_one_at_a_time_in_arrival_order()
    {
        var turnLock = new ActorTurnLock();
        var first = await turnLock.AcquireAsync(null, 32, TestContext.Current.CancellationToken);
        var order = new List<int>();
        var waiters = Enumerable.Range(1, 5).Select(async i =>
        {
            using var turn = await turnLock.AcquireAsync(null, 32, TestContext.Current.CancellationToken);
            lock (order)
            {
                order.Add(i);
            }
        }).ToList();
        Assert.All(waiters, w => Assert.False(w.IsCompleted));
        first.Dispose();
        await Task.WhenAll(waiters);
        Assert.Equal([1, 2, 3, 4, 5], order);
        Assert.False(turnLock.IsBusy);
    }

    [Fact]
    public async Task The_holding_chain_reenters_up_to_the_maximum_depth_and_other_chains_wait()
    {
        var turnLock = new ActorTurnLock();
        using var outer = await turnLock.AcquireAsync("chain-1", 2, TestContext.Current.CancellationToken);
        using var inner = await turnLock.AcquireAsync("chain-1", 2, TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<ActorStackDepthException>(() => turnLock.AcquireAsync("chain-1", 2, TestContext.Current.CancellationToken));
        var other = turnLock.AcquireAsync("chain-2", 2, TestContext.Current.CancellationToken);
        Assert.False(other.IsCompleted);
        inner.Dispose();
        Assert.False(other.IsCompleted);
        outer.Dispose();
        (await other).Dispose();
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue()
    {
        var turnLock = new ActorTurnLock();
        var held = await turnLock.AcquireAsync(null, 32, TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();
        var cancelled = turnLock.AcquireAsync(null, 32, cancel.Token);
        var next = turnLock.AcquireAsync(null, 32, TestContext.Current.CancellationToken);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        held.Dispose();
        (await next).Dispose();
        Assert.False(turnLock.IsBusy);
    }
}
