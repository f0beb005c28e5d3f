namespace Sidecart.Ordering.Model;

public sealed record OrderLine(string Sku, int Quantity);
