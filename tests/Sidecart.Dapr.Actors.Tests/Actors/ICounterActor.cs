namespace Sidecart.Dapr.Actors.Tests.Actors;

public interface ICounterActor : IActor
{
    Task<int> Increment(int by);

    Task<int> Get();

    /// <summary>Increments, writes a note, then throws: none of it may be saved.</summary>
    Task IncrementThenFail(int by);

    /// <summary>Starts a 50 ms timer that counts ticks and stops itself after <paramref name="stopAfter"/>.</summary>
    Task StartTicking(int stopAfter);

    Task<int> Ticks();

    Task<bool> HasNote(CancellationToken cancellationToken);
}
