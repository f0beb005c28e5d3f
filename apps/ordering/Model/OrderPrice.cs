namespace Sidecart.Ordering.Model;

public sealed record OrderPrice(decimal Total, string Currency);
