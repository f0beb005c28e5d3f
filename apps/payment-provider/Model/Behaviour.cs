namespace Sidecart.PaymentProvider.Model;

/// <summary>The provider's current test behaviour, as <c>/admin/behaviour</c> reports it.</summary>
public sealed record Behaviour(int LatencyMs, int? SlowRequests, bool Outage);
