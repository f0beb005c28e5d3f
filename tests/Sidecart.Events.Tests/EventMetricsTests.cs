using System.Diagnostics.Metrics;
using System.Text;

namespace Sidecart.Events.Tests;

public sealed class EventMetricsTests
{
    [Fact]
    public void Lag_is_measured_from_the_cloud_events_time_and_dead_letters_are_counted_per_topic()
    {
        var lags = new List<(double Value, string? Topic)>();
        var deadLetters = new List<(long Value, string? Topic, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EventMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => lags.Add((value, Tag(tags, "topic"))));
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => deadLetters.Add((value, Tag(tags, "topic"), Tag(tags, "reason"))));
        listener.Start();
        var topic = $"lag-{Guid.NewGuid():N}";
        var delivery = TopicDelivery.FromCloudEvent(Encoding.UTF8.GetBytes(
            "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"t\",\"type\":\"t\",\"topic\":\"" + topic
            + "\",\"time\":\"2026-01-01T10:00:00Z\",\"datacontenttype\":\"application/json\",\"data\":{}}"));

        EventMetrics.Handling(delivery, topic, DateTimeOffset.Parse("2026-01-01T10:00:01.5Z", System.Globalization.CultureInfo.InvariantCulture));
        EventMetrics.DeadLettered(topic, "quantity must be positive");
        EventMetrics.DeadLettered(topic, DeadLetter.SidecarDeadLettered);

        Assert.Equal(1500, Assert.Single(lags, l => l.Topic == topic).Value);
        Assert.Equal([(1L, topic, "refused"), (1L, topic, "sidecar")], deadLetters.Where(d => d.Topic == topic).OrderBy(d => d.Reason).ToList());
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
