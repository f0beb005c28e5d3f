namespace Sidecart.Dapr.Actors.Tests.Actors;

public interface ISkuActor : IActor
{
    Task<int> AddStock(int quantity);

    Task<ReservationResult> Reserve(ReserveRequest request);

    Task Release(string orderId);

    Task<int> Available();

    Task<IReadOnlyDictionary<string, int>> Reservations();
}

/// <param name="HoldFor">How long the reservation holds before a reminder releases it.</param>
public sealed record ReserveRequest(string OrderId, int Quantity, TimeSpan HoldFor);

public sealed record ReservationResult(bool Reserved, int Available);
