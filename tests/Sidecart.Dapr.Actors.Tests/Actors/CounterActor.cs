namespace Sidecart.Dapr.Actors.Tests.Actors;

/// <summary>A counter whose increment reads, waits, then writes: exact totals under concurrent callers prove turns
/// never overlap.</summary>
public sealed class CounterActor(ActivationLog log) : Actor, ICounterActor
{
    private const string CountKey = "count";
    private const string TicksKey = "ticks";
    private const string NoteKey = "note";

    public async Task<int> Increment(int by)
    {
        var current = await Get();
        await Task.Delay(1);
        await StateManager.SetStateAsync(CountKey, current + by);
        return current + by;
    }

    public async Task<int> Get() => (await StateManager.TryGetStateAsync<int>(CountKey)).Value;

    public async Task IncrementThenFail(int by)
    {
        await Increment(by);
        await StateManager.SetStateAsync(NoteKey, "should not be saved");
        throw new InvalidOperationException("the counter refused");
    }

    public Task StartTicking(int stopAfter) =>
        RegisterTimerAsync("tick", nameof(OnTickAsync), stopAfter, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));

    public async Task<int> Ticks() => (await StateManager.TryGetStateAsync<int>(TicksKey)).Value;

    public Task<bool> HasNote(CancellationToken cancellationToken) => StateManager.ContainsStateAsync(NoteKey, cancellationToken);

    protected override Task OnActivateAsync()
    {
        log.Record(ActorType, Id, "activated");
        return Task.CompletedTask;
    }

    protected override Task OnDeactivateAsync()
    {
        log.Record(ActorType, Id, "deactivated");
        return Task.CompletedTask;
    }

    private async Task OnTickAsync(int stopAfter)
    {
        var ticks = await Ticks() + 1;
        await StateManager.SetStateAsync(TicksKey, ticks);
        if (ticks >= stopAfter)
        {
            StopFiringCurrentCallback();
        }
    }
}
