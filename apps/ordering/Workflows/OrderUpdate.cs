using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Workflows;

/// <summary>The order as the workflow now has it; <see cref="Publish"/> says whether this change goes out on <c>orders</c>.</summary>
public sealed record OrderUpdate(Order Order, bool Publish);
