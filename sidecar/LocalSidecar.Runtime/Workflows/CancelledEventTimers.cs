using Dapr.DurableTask.Protobuf;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace LocalSidecar.Workflows;

/// <summary>The timeout timers of event waits that their event made unnecessary, as daprd finds them to delete their
/// reminders: each EventRaised consumes the oldest unfired timer created before it for an event of the same name
/// (case-insensitive; a timer is an event timer by its <c>externalEvent</c> origin, or, from older SDKs, by a name and
/// no origin).</summary>
internal static class CancelledEventTimers
{
    /// <summary>The timer ids cancelled by the events at or after <paramref name="from"/>; the events before it are
    /// paired first, so that timers earlier events already cancelled are not counted again.</summary>
    public static HashSet<int> Find(IReadOnlyList<HistoryEvent> history, int from)
    {
        var pending = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var nameOf = new Dictionary<int, string>();
        var cancelled = new HashSet<int>();
        for (var i = 0; i < history.Count; i++)
        {
            var e = history[i];
            switch (e.EventTypeCase)
            {
                case EventType.TimerCreated when EventName(e.TimerCreated) is { } name:
                    (pending.TryGetValue(name, out var ids) ? ids : pending[name] = []).Add(e.EventId);
                    nameOf[e.EventId] = name;
                    break;
                case EventType.TimerFired when nameOf.Remove(e.TimerFired.TimerId, out var firedName):
                    pending[firedName].Remove(e.TimerFired.TimerId);
                    break;
                case EventType.EventRaised when pending.TryGetValue(e.EventRaised.Name.ToUpperInvariant(), out var waiting) && waiting.Count > 0:
                    var timerId = waiting[0];
                    waiting.RemoveAt(0);
                    nameOf.Remove(timerId);
                    if (i >= from)
                    {
                        cancelled.Add(timerId);
                    }

                    break;
            }
        }

        return cancelled;
    }

    private static string? EventName(TimerCreatedEvent timer) => timer.OriginCase switch
    {
        TimerCreatedEvent.OriginOneofCase.ExternalEvent => timer.ExternalEvent.Name.ToUpperInvariant(),
        TimerCreatedEvent.OriginOneofCase.None when timer.HasName => timer.Name.ToUpperInvariant(),
        _ => null,
    };
}
