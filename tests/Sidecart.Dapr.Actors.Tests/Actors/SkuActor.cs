using System.Text.Json;

namespace Sidecart.Dapr.Actors.Tests.Actors;

/// <summary>Owns one SKU's stock: reservations take stock, and a reminder gives it back unless the order releases or
/// confirms first.</summary>
[Actor(TypeName = "Sku")]
public sealed class SkuActor : Actor, ISkuActor, IRemindable
{
    private const string StockKey = "stock";
    private const string ReservationsKey = "reservations";
    private const string ExpiryPrefix = "expire-";

    public async Task<int> AddStock(int quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        var stock = await Available() + quantity;
        await StateManager.SetStateAsync(StockKey, stock);
        return stock;
    }

    public async Task<ReservationResult> Reserve(ReserveRequest request)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Quantity);
        var available = await Available();
        var reservations = await LoadReservationsAsync();
        if (reservations.ContainsKey(request.OrderId))
        {
            return new ReservationResult(true, available);
        }

        if (request.Quantity > available)
        {
            return new ReservationResult(false, available);
        }

        reservations[request.OrderId] = request.Quantity;
        await StateManager.SetStateAsync(StockKey, available - request.Quantity);
        await StateManager.SetStateAsync(ReservationsKey, reservations);
        await RegisterReminderAsync(ExpiryPrefix + request.OrderId, request.OrderId, request.HoldFor);
        return new ReservationResult(true, available - request.Quantity);
    }

    public async Task Release(string orderId)
    {
        if (await GiveBackAsync(orderId))
        {
            await UnregisterReminderAsync(ExpiryPrefix + orderId);
        }
    }

    public async Task<int> Available() => (await StateManager.TryGetStateAsync<int>(StockKey)).Value;

    public async Task<IReadOnlyDictionary<string, int>> Reservations() => await LoadReservationsAsync();

    public async Task ReceiveReminderAsync(string reminderName, JsonElement? state, string dueTime, string period)
    {
        if (reminderName.StartsWith(ExpiryPrefix, StringComparison.Ordinal) && state?.GetString() is { } orderId)
        {
            // The reminder is one-shot: the sidecar forgets it after this firing.
            await GiveBackAsync(orderId);
        }
    }

    private async Task<bool> GiveBackAsync(string orderId)
    {
        var reservations = await LoadReservationsAsync();
        if (!reservations.Remove(orderId, out var quantity))
        {
            return false;
        }

        await StateManager.SetStateAsync(StockKey, await Available() + quantity);
        await StateManager.SetStateAsync(ReservationsKey, reservations);
        return true;
    }

    private async Task<Dictionary<string, int>> LoadReservationsAsync() =>
        (await StateManager.TryGetStateAsync<Dictionary<string, int>>(ReservationsKey)).Value ?? [];
}
