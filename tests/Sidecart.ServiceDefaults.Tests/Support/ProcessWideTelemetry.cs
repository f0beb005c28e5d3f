namespace Sidecart.ServiceDefaults.Tests.Support;

/// <summary>For tests that export telemetry: OpenTelemetry's instrumentation listens to every ASP.NET Core request and
/// HttpClient call of the process, so spans of apps other tests host (their health probes included) would be
/// exported with the test's own. Tests of this collection run alone.</summary>
[CollectionDefinition(nameof(ProcessWideTelemetry), DisableParallelization = true)]
public sealed class ProcessWideTelemetry;
