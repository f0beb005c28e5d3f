namespace Sidecart.Inventory.Model;

/// <summary>The outcome of a ledger operation. <see cref="Changed"/> says whether the ledger must be saved (false for a
/// repeat, which answers the first outcome again).</summary>
public sealed record StockDecision(bool Accepted, string? Reason, bool Changed)
{
    public static StockDecision Applied() => new(true, null, true);

    public static StockDecision Repeated(bool accepted, string? reason = null) => new(accepted, reason, false);
}
