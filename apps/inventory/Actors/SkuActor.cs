using Dapr.Actors.Runtime;
using Microsoft.Extensions.Options;
using Sidecart.Inventory.Model;

namespace Sidecart.Inventory.Actors;

/// <summary>Loads the SKU's <see cref="StockLedger"/>, applies one operation, saves it (one state key, saved by the
/// runtime when the turn ends), and keeps the expiry reminder of each open reservation in step.</summary>
[Actor(TypeName = TypeName)]
public sealed class SkuActor : Actor, ISkuActor, IRemindable
{
    public const string TypeName = "Sku";
    private const string LedgerKey = "ledger";
    private const string ExpiryPrefix = "expire-";

    private readonly IOptions<InventoryOptions> _options;

    /// <param name="stateManager">Unit tests pass an in-memory one; the runtime's (through the sidecar) otherwise.</param>
    public SkuActor(ActorHost host, IOptions<InventoryOptions> options, IActorStateManager? stateManager = null)
        : base(host)
    {
        _options = options;
        if (stateManager is not null)
        {
            StateManager = stateManager;
        }
    }

    private string Sku => Id.GetId();

    public async Task<StockOperationResult> Reserve(ReserveStock request)
    {
        var ledger = await LoadAsync();
        var decision = ledger.Reserve(request.OrderId, request.Quantity);
        if (decision.Changed)
        {
            await SaveAsync(ledger);
            if (decision.Accepted)
            {
                // One-shot: an infinite period fires once, and the sidecar then forgets the reminder.
                await RegisterReminderAsync(ExpiryPrefix + request.OrderId, state: null, _options.Value.ReservationTimeout, Timeout.InfiniteTimeSpan);
            }
            else
            {
                InventoryMetrics.ReservationRefused(Sku);
            }
        }

        return Result(request.OrderId, decision, ledger);
    }

    public async Task<StockOperationResult> Confirm(StockOrderRef request)
    {
        var ledger = await LoadAsync();
        var decision = ledger.Confirm(request.OrderId);
        await SettleAsync(request.OrderId, decision, ledger);
        return Result(request.OrderId, decision, ledger);
    }

    public async Task<StockOperationResult> Release(StockOrderRef request)
    {
        var ledger = await LoadAsync();
        var decision = ledger.Release(request.OrderId);
        await SettleAsync(request.OrderId, decision, ledger);
        return Result(request.OrderId, decision, ledger);
    }

    public async Task<StockReceiptResult> AddStock(StockReceipt request)
    {
        var ledger = await LoadAsync();
        var applied = ledger.AddStock(request.ReceiptId, request.Quantity);
        if (applied)
        {
            await SaveAsync(ledger);
        }

        return new StockReceiptResult(request.ReceiptId, Sku, applied, ledger.Available);
    }

    public async Task<StockLevel> GetStock()
    {
        var ledger = await LoadAsync();
        return new StockLevel(Sku, ledger.Available, ledger.Reserved);
    }

    public async Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        if (!reminderName.StartsWith(ExpiryPrefix, StringComparison.Ordinal))
        {
            return;
        }

        var orderId = reminderName[ExpiryPrefix.Length..];
        var ledger = await LoadAsync();
        if (ledger.Expire(orderId))
        {
            await SaveAsync(ledger);
            Logger.LogInformation("Reservation of {Sku} for order {OrderId} expired; its stock is available again", Sku, orderId);
        }
    }

    private async Task SettleAsync(string orderId, StockDecision decision, StockLedger ledger)
    {
        if (decision.Changed)
        {
            await SaveAsync(ledger);
            await UnregisterReminderAsync(ExpiryPrefix + orderId);
        }
    }

    private async Task<StockLedger> LoadAsync() => (await StateManager.TryGetStateAsync<StockLedger>(LedgerKey)).Value ?? new StockLedger();

    private Task SaveAsync(StockLedger ledger) => StateManager.SetStateAsync(LedgerKey, ledger);

    private StockOperationResult Result(string orderId, StockDecision decision, StockLedger ledger) =>
        new(orderId, Sku, decision.Accepted, decision.Reason, ledger.Available, ledger.Reserved);
}
