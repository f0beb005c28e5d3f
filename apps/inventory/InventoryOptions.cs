namespace Sidecart.Inventory;

/// <summary>The <c>Inventory</c> configuration section.</summary>
public sealed class InventoryOptions
{
    public const string Section = "Inventory";

    /// <summary>How long a reservation holds stock before it is released unless confirmed.</summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The opening stock, relative to the content root.</summary>
    public string SeedFile { get; set; } = Path.Combine("data", "stock.json");
}
