using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Runtime;

namespace Sidecart.Ordering.Tests.Support;

/// <summary>Inventory's contract, written down independently of ordering's client interface, so the wire format
/// (method names, camelCase bodies) is what is tested.</summary>
public interface IStubSku : IActor
{
    Task<StubReservation> Reserve(StubReserve request);

    Task<StubReservation> Confirm(StubOrderRef request);

    Task<StubReservation> Release(StubOrderRef request);
}

public sealed record StubReserve(string OrderId, int Quantity);

public sealed record StubOrderRef(string OrderId);

public sealed record StubReservation(string OrderId, string Sku, bool Accepted, string? Reason, int Available, int Reserved);

/// <summary>Initial stock per SKU (unlisted SKUs have 100) and every call the Sku actors received.</summary>
public sealed class StubStock
{
    public ConcurrentDictionary<string, int> Initial { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Calls { get; } = new();

    public bool Saw(string call) => Calls.Contains(call);
}

[Actor(TypeName = "Sku")]
public sealed class StubSkuActor(ActorHost host, StubStock stock) : Actor(host), IStubSku
{
    public async Task<StubReservation> Reserve(StubReserve request)
    {
        stock.Calls.Enqueue($"Reserve {Id.GetId()} {request.OrderId} {request.Quantity}");
        var available = await AvailableAsync();
        var reservations = await ReservationsAsync();
        if (!reservations.ContainsKey(request.OrderId))
        {
            if (request.Quantity > available)
            {
                return new StubReservation(request.OrderId, Id.GetId(), false, "insufficient stock", available, reservations.Values.Sum());
            }

            available -= request.Quantity;
            reservations[request.OrderId] = request.Quantity;
            await StateManager.SetStateAsync("available", available);
            await StateManager.SetStateAsync("reservations", reservations);
        }

        return new StubReservation(request.OrderId, Id.GetId(), true, null, available, reservations.Values.Sum());
    }

    public async Task<StubReservation> Confirm(StubOrderRef request)
    {
        stock.Calls.Enqueue($"Confirm {Id.GetId()} {request.OrderId}");
        var reservations = await ReservationsAsync();
        var known = reservations.ContainsKey(request.OrderId);
        return new StubReservation(request.OrderId, Id.GetId(), known, known ? null : "no reservation", await AvailableAsync(), reservations.Values.Sum());
    }

    public async Task<StubReservation> Release(StubOrderRef request)
    {
        stock.Calls.Enqueue($"Release {Id.GetId()} {request.OrderId}");
        var available = await AvailableAsync();
        var reservations = await ReservationsAsync();
        if (reservations.Remove(request.OrderId, out var quantity))
        {
            available += quantity;
            await StateManager.SetStateAsync("available", available);
            await StateManager.SetStateAsync("reservations", reservations);
        }

        return new StubReservation(request.OrderId, Id.GetId(), true, null, available, reservations.Values.Sum());
    }

    private async Task<int> AvailableAsync()
    {
        var saved = await StateManager.TryGetStateAsync<int>("available");
        return saved.HasValue ? saved.Value : stock.Initial.GetValueOrDefault(Id.GetId(), 100);
    }

    private async Task<Dictionary<string, int>> ReservationsAsync() =>
        (await StateManager.TryGetStateAsync<Dictionary<string, int>>("reservations")).Value ?? [];
}
