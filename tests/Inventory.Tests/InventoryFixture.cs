namespace Sidecart.Inventory.Tests;

/// <summary>One inventory system shared by a test class, with reservations that outlive any test.</summary>
public sealed class InventoryFixture : IAsyncLifetime
{
    public InventorySystem System { get; private set; } = null!;

    public async ValueTask InitializeAsync() => System = await InventorySystem.StartAsync(reservationTimeout: TimeSpan.FromMinutes(10));

    public async ValueTask DisposeAsync() => await System.DisposeAsync();
}
