using System.Diagnostics.Metrics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Sidecart.Events;

/// <summary>What a person running the shop watches on events: dead letters per consuming app and topic, and the lag
/// from publish (the CloudEvent's <c>time</c>) to the handler. Exported with the app's other meters (<c>Sidecart.*</c>).</summary>
public static class EventMetrics
{
    public const string MeterName = "Sidecart.Events";

    private static readonly Meter Meter = new(MeterName);
    private static readonly string Consumer = Assembly.GetEntryAssembly()?.GetName().Name ?? "unknown";

    private static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "sidecart.events.dead_letters", "{event}", "Events a consumer kept as dead letters instead of applying them.");

    private static readonly Histogram<double> Lag = Meter.CreateHistogram<double>(
        "sidecart.events.lag", "ms", "Time from an event's publication to the start of its handling.");

    public static void DeadLettered(string topic, string reason) =>
        DeadLetters.Add(1, new("consumer", Consumer), new("topic", topic), new("reason", reason == DeadLetter.SidecarDeadLettered ? "sidecar" : "refused"));

    /// <summary>Records the lag of an event whose CloudEvent carries <c>time</c>.</summary>
    public static void Handling(TopicDelivery delivery, string topic, DateTimeOffset now)
    {
        if (delivery.OriginalEvent.ValueKind == JsonValueKind.Object
            && delivery.OriginalEvent.TryGetProperty("time", out var time) && time.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var published))
        {
            Lag.Record(Math.Max(0, (now - published).TotalMilliseconds), new KeyValuePair<string, object?>("consumer", Consumer), new("topic", topic));
        }
    }
}
