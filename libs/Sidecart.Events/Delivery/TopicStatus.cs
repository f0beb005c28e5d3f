namespace Sidecart.Events;

/// <summary>How the sidecar should treat a delivered event (https://docs.dapr.io/reference/api/pubsub_api/).</summary>
public enum TopicStatus
{
    /// <summary>Processed: the sidecar acknowledges the message.</summary>
    Success,

    /// <summary>Failed for now: the sidecar redelivers per its retry policy, then dead-letters.</summary>
    Retry,

    /// <summary>Will never succeed: the sidecar acknowledges it and sends it to the dead-letter topic if one is set.</summary>
    Drop,
}
