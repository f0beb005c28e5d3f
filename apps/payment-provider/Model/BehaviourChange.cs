namespace Sidecart.PaymentProvider.Model;

/// <summary>The body of <c>POST /admin/behaviour</c>; omitted fields keep their current value.</summary>
/// <param name="LatencyMs">How long answers of <c>/v1</c> calls are held back. The call is processed first, as a real
/// provider can charge and then answer too late.</param>
/// <param name="SlowRequests">How many of the next calls get that latency; null for every call until changed.</param>
/// <param name="Outage">When true every <c>/v1</c> call is answered 503 without being processed.</param>
public sealed record BehaviourChange(int? LatencyMs, int? SlowRequests, bool? Outage);
