using System.Globalization;

namespace LocalSidecar.Diagnostics;

/// <summary>The batch span processor's settings from OpenTelemetry's standard variables, which daprd's Go SDK reads:
/// <c>OTEL_BSP_MAX_QUEUE_SIZE</c> (2048 spans), <c>OTEL_BSP_MAX_EXPORT_BATCH_SIZE</c> (512), <c>OTEL_BSP_SCHEDULE_DELAY</c>
/// (5000 ms between exports) and <c>OTEL_BSP_EXPORT_TIMEOUT</c> (30000 ms). A value that is not a positive whole number
/// keeps its default, and <c>ignored</c> is told the variable, its value and the default; with a batch larger than the
/// queue, the batch is the default or the queue, whichever is smaller.</summary>
public sealed record BatchSpanSettings(int MaxQueueSize, int MaxExportBatchSize, int ScheduleDelayMilliseconds, int ExportTimeoutMilliseconds)
{
    public static BatchSpanSettings From(Func<string, string?> environment, Action<string, string, int>? ignored = null)
    {
        const int DefaultBatch = 512;
        int Positive(string name, int fallback)
        {
            var value = environment(name);
            if (value is null)
            {
                return fallback;
            }

            if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number > 0)
            {
                return number;
            }

            ignored?.Invoke(name, value, fallback);
            return fallback;
        }

        var queue = Positive("OTEL_BSP_MAX_QUEUE_SIZE", 2048);
        var batch = Positive("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", DefaultBatch);
        return new(
            queue,
            batch > queue ? Math.Min(DefaultBatch, queue) : batch,
            Positive("OTEL_BSP_SCHEDULE_DELAY", 5000),
            Positive("OTEL_BSP_EXPORT_TIMEOUT", 30000));
    }
}
