using System.Collections.Concurrent;
using Sidecart.Dapr.Actors;
using Sidecart.Ordering.Actors;

namespace Sidecart.Ordering.Tests.Fakes;

/// <summary>Inventory's Sku actors in memory: stock per SKU, reservations per order, and every call in order.</summary>
public sealed class FakeInventory : IActorProxyFactory
{
    private readonly ConcurrentDictionary<string, FakeSku> _skus = new(StringComparer.Ordinal);

    public List<string> Calls { get; } = [];

    public FakeSku this[string sku] => _skus.GetOrAdd(sku, s => new FakeSku(s, this));

    public FakeInventory WithStock(string sku, int available)
    {
        this[sku].Available = available;
        return this;
    }

    public TActor CreateProxy<TActor>(string actorId, string actorType)
        where TActor : class, IActor
    {
        Assert.Equal(ISkuActor.TypeName, actorType);
        return (TActor)(object)this[actorId];
    }

    public sealed class FakeSku(string sku, FakeInventory inventory) : ISkuActor
    {
        public int Available { get; set; }

        public Dictionary<string, int> Reserved { get; } = [];

        public HashSet<string> Confirmed { get; } = [];

        public Task<SkuReservationResult> Reserve(SkuReserveRequest request)
        {
            inventory.Calls.Add($"Reserve {sku} {request.Quantity}");
            if (!Reserved.ContainsKey(request.OrderId))
            {
                if (request.Quantity > Available)
                {
                    return Task.FromResult(Result(request.OrderId, false, "insufficient stock"));
                }

                Available -= request.Quantity;
                Reserved[request.OrderId] = request.Quantity;
            }

            return Task.FromResult(Result(request.OrderId, true, null));
        }

        public Task<SkuReservationResult> Confirm(SkuOrderRequest request)
        {
            inventory.Calls.Add($"Confirm {sku}");
            var known = Reserved.ContainsKey(request.OrderId);
            if (known)
            {
                Confirmed.Add(request.OrderId);
            }

            return Task.FromResult(Result(request.OrderId, known, known ? null : "no reservation"));
        }

        public Task<SkuReservationResult> Release(SkuOrderRequest request)
        {
            inventory.Calls.Add($"Release {sku}");
            if (Reserved.Remove(request.OrderId, out var quantity))
            {
                Available += quantity;
            }

            return Task.FromResult(Result(request.OrderId, true, null));
        }

        private SkuReservationResult Result(string orderId, bool accepted, string? reason) =>
            new(orderId, sku, accepted, reason, Available, Reserved.Values.Sum());
    }
}
