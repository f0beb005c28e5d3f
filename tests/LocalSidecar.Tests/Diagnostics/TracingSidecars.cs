using LocalSidecar.Hosting;
using Microsoft.Extensions.Logging;
using Sidecart.Testing;
using Sidecart.Testing.Telemetry;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>In-process sidecars whose Configuration traces at a given rate to an OTLP receiver the test started, and
/// the two steps every tracing test takes after its calls: flush the sidecars, wait for the spans.</summary>
internal static class TracingSidecars
{
    /// <param name="environment">the variables the sidecars' telemetry reads (none by default).</param>
    /// <param name="loggers">where the sidecars log (nowhere by default).</param>
    public static async Task<LocalSidecars> StartAsync(
        string endpoint, string rate = "1", IReadOnlyDictionary<string, string>? environment = null, ILoggerFactory? loggers = null)
    {
        LocalSidecars? system = null;
        system = new LocalSidecars("sidecart-tracing", o => o with
        {
            ConfigPath = Path.Combine(system!.Root, "config.yaml"),
            TelemetryEnvironment = environment is null ? o.TelemetryEnvironment : name => environment.GetValueOrDefault(name),
            LoggerFactory = loggers ?? o.LoggerFactory,
        });
        await system.WriteInMemoryComponentsAsync();
        await File.WriteAllTextAsync(Path.Combine(system.Root, "config.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata: {"{"}name: tracing{"}"}
            spec:
              tracing:
                samplingRate: "{rate}"
                otel: {"{"}endpointAddress: "{endpoint}", protocol: http, isSecure: false{"}"}
            """);
        return system;
    }

    public static void Flush(params Sidecar[] sidecars)
    {
        foreach (var sidecar in sidecars)
        {
            Assert.True(sidecar.Context.Telemetry.Tracing.ForceFlush(10_000), $"{sidecar.AppId}'s spans were not exported");
        }
    }

    public static Task<IReadOnlyList<ReceivedSpan>> SpansAsync(OtlpReceiver receiver, Func<IReadOnlyList<ReceivedSpan>, bool> complete, string what = "the spans received") =>
        Eventually.UntilAsync(() => Task.FromResult(receiver.Spans), complete, what, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
}
