using System.Collections.Concurrent;

namespace Sidecart.Ordering.Tests.Support;

/// <summary>What the payments stub answers, per customer, and what it was asked.</summary>
public sealed class PaymentsStub
{
    /// <summary>Customers whose payments are declined; every other customer is authorized.</summary>
    public ConcurrentDictionary<string, bool> DecliningCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers for whom the provider is unavailable: authorize answers 503.</summary>
    public ConcurrentDictionary<string, bool> UnavailableCustomers { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Calls { get; } = new();
}
