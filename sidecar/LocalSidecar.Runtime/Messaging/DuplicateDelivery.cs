using LocalSidecar.Components.PubSub;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Messaging;

/// <summary>The duplicate-delivery fault switch (<see cref="Hosting.FaultSwitches"/>): every message a subscription
/// takes is handled twice in a row, as an at-least-once broker redelivering after a lost acknowledgement would. A
/// failure of either delivery goes back to the component as usual.</summary>
public static class DuplicateDelivery
{
    public static PubSubHandler Wrap(PubSubHandler handler, string topic, ILogger logger) => async (message, cancellationToken) =>
    {
        await handler(message, cancellationToken);
        logger.LogInformation("fault injected: duplicate delivery of a message of topic {Topic}", topic);
        await handler(message, cancellationToken);
    };
}
