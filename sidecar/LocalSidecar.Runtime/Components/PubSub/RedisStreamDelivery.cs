namespace LocalSidecar.Components.PubSub;

/// <summary>A stream entry read for a subscription (new, or claimed again), waiting for a worker.</summary>
internal sealed record RedisStreamDelivery(RedisStreamSubscription Subscription, string EntryId, PubSubMessage Message);
