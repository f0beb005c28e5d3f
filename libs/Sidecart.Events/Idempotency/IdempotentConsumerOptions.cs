namespace Sidecart.Events;

public sealed class IdempotentConsumerOptions
{
    public string StoreName { get; set; } = "statestore";

    /// <summary>Prefix of the state keys that remember processed event ids: <c>&lt;prefix&gt;:&lt;pubsub&gt;:&lt;topic&gt;:&lt;id&gt;</c>.</summary>
    public string KeyPrefix { get; set; } = "processed-event";

    /// <summary>
    /// How long a processed id is remembered (<c>ttlInSeconds</c>); it must outlast the broker's redelivery window.
    /// Null keeps the markers forever.
    /// </summary>
    public TimeSpan? TimeToLive { get; set; } = TimeSpan.FromDays(7);
}
