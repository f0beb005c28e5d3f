using System.Diagnostics.Metrics;

namespace Sidecart.Inventory.Actors;

/// <summary>Reservation conflicts (a reservation the stock could not cover, counted once per order and SKU, not on
/// retries), for the shop's operator; exported with the app's other <c>Sidecart.*</c> meters.</summary>
public static class InventoryMetrics
{
    public const string MeterName = "Sidecart.Inventory";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Conflicts = Meter.CreateCounter<long>(
        "sidecart.inventory.reservation_conflicts", "{reservation}", "Reservations refused because the stock could not cover them.");

    public static void ReservationRefused(string sku) => Conflicts.Add(1, new KeyValuePair<string, object?>("sku", sku));
}
