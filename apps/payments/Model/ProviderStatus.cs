using Polly.CircuitBreaker;

namespace Sidecart.Payments.Model;

/// <summary><c>GET /payments/provider-status</c>: whether payments is calling the provider now. <see cref="Circuit"/> is
/// <c>Closed</c> (calling it), <c>Open</c> (failing fast after repeated failures; once the break is over, the next call
/// probes the provider) or <c>HalfOpen</c> (that probe is under way).</summary>
public sealed record ProviderStatus(CircuitState Circuit, DateTimeOffset? LastOpenedAt, int TimesOpened);
