using System.Diagnostics.CodeAnalysis;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Services;

/// <summary>What <see cref="OrderService.PlaceAsync"/> did: placed (or found) the key's order, or refused a key
/// already used for a different request.</summary>
public sealed record OrderPlacement(Order? Order)
{
    public static readonly OrderPlacement KeyReused = new((Order?)null);

    [MemberNotNullWhen(false, nameof(Order))]
    public bool IsKeyReused => Order is null;
}
