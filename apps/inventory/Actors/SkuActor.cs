using System.Text.Json;
using Microsoft.Extensions.Options;
using Sidecart.Dapr.Actors;
using Sidecart.Inventory.Model;

namespace Sidecart.Inventory.Actors;

/// <summary>Loads the SKU's <see cref="StockLedger"/>, applies one operation, saves it (one state key, saved when the
/// turn ends), and keeps the expiry reminder of each open reservation in step.</summary>
[Actor(TypeName = TypeName)]
public sealed class SkuActor(IOptions<InventoryOptions> options, ILogger<SkuActor> logger) : Actor, ISkuActor, IRemindable
{
    public const string TypeName = "Sku";
    private const string LedgerKey = "ledger";
    private const string ExpiryPrefix = "expire-";

    public async Task<StockOperationResult> Reserve(ReserveStock request)
    {
        var ledger = await LoadAsync();
        var decision = ledger.Reserve(request.OrderId, request.Quantity);
        if (decision.Changed)
        {
            await SaveAsync(ledger);
            if (decision.Accepted)
            {
                await RegisterReminderAsync(ExpiryPrefix + request.OrderId, options.Value.ReservationTimeout);
            }
        }

        return Result(request.OrderId, decision, ledger);
    }

    public async Task<StockOperationResult> Confirm(StockOrderRef order)
    {
        var ledger = await LoadAsync();
        var decision = ledger.Confirm(order.OrderId);
        await SettleAsync(order.OrderId, decision, ledger);
        return Result(order.OrderId, decision, ledger);
    }

    public async Task<StockOperationResult> Release(StockOrderRef order)
    {
        var ledger = await LoadAsync();
        var decision = ledger.Release(order.OrderId);
        await SettleAsync(order.OrderId, decision, ledger);
        return Result(order.OrderId, decision, ledger);
    }

    public async Task<StockReceiptResult> AddStock(StockReceipt receipt)
    {
        var ledger = await LoadAsync();
        var applied = ledger.AddStock(receipt.ReceiptId, receipt.Quantity);
        if (applied)
        {
            await SaveAsync(ledger);
        }

        return new StockReceiptResult(receipt.ReceiptId, Id, applied, ledger.Available);
    }

    public async Task<StockLevel> GetStock()
    {
        var ledger = await LoadAsync();
        return new StockLevel(Id, ledger.Available, ledger.Reserved);
    }

    public async Task ReceiveReminderAsync(string reminderName, JsonElement? state, string dueTime, string period)
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
            logger.LogInformation("Reservation of {Sku} for order {OrderId} expired; its stock is available again", Id, orderId);
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
        new(orderId, Id, decision.Accepted, decision.Reason, ledger.Available, ledger.Reserved);
}
