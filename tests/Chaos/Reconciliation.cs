using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Chaos;

/// <summary>What the apps say once everything has settled, read as an operator would: ordering's orders
/// (<c>GET /orders/{id}</c>), inventory's stock (<c>GET /stock/{sku}</c>), payments' ledger (its records, through its
/// sidecar's state API), the provider's books (<c>GET /admin/authorizations</c>), shipping's shipments
/// (<c>GET /shipments/{id}</c>, and its "shipment created" log lines, one per shipment it made).</summary>
public sealed partial record Reconciliation(
    int Accepted,
    int NotTerminal,
    int DoubleChargesInPayments,
    int DoubleChargesAtProvider,
    int ChargesKeptForUnsoldOrders,
    int UnitsOversold,
    int UnitsUnaccountedFor,
    int ShipmentsForUnconfirmedOrders,
    int OrdersShippedTwice,
    int NotFoundRightAfterAccept,
    IReadOnlyList<string> Details)
{
    public static readonly string[] FinalStatuses = ["Shipped", "Rejected", "Cancelled"];

    /// <summary>The status of an accepted order ordering answers 404 for: lost.</summary>
    public const string Unknown = "unknown to ordering";

    public bool Clean => NotTerminal + DoubleChargesInPayments + DoubleChargesAtProvider + ChargesKeptForUnsoldOrders + UnitsOversold
        + UnitsUnaccountedFor + ShipmentsForUnconfirmedOrders + OrdersShippedTwice + NotFoundRightAfterAccept == 0;

    public sealed record Clients(HttpClient Ordering, HttpClient Inventory, HttpClient PaymentsDapr, HttpClient Provider, HttpClient Shipping);

    public static async Task<Dictionary<string, string>> StatusesAsync(HttpClient ordering, IEnumerable<PlacedOrder> orders, CancellationToken cancellationToken)
    {
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var order in orders)
        {
            using var response = await ordering.GetAsync($"/orders/{order.OrderId}", cancellationToken);
            statuses[order.OrderId] = response.StatusCode == HttpStatusCode.NotFound
                ? Unknown
                : (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("status").GetString()!;
        }

        return statuses;
    }

    public static async Task<Reconciliation> ReadAsync(
        Clients apps, IReadOnlyCollection<PlacedOrder> orders, IReadOnlyList<string> notFoundAfterAccept, IReadOnlyDictionary<string, int> initialStock,
        string runLog, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apps);
        ArgumentNullException.ThrowIfNull(orders);
        ArgumentNullException.ThrowIfNull(notFoundAfterAccept);
        var details = new List<string>();
        details.AddRange(notFoundAfterAccept.Select(id => $"order {id} was accepted, then answered 404 when read at once"));
        var statuses = await StatusesAsync(apps.Ordering, orders, cancellationToken);
        var notTerminal = statuses.Where(s => !FinalStatuses.Contains(s.Value)).ToList();
        details.AddRange(notTerminal.Select(s => $"order {s.Key} is still {s.Value}"));
        bool Sold(string orderId) => statuses[orderId] is "Confirmed" or "Shipped";

        // Payments' ledger: one record per order; only a sold order keeps its charge.
        var doubleInPayments = 0;
        var keptForUnsold = 0;
        var paymentAuthorizations = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var order in orders)
        {
            using var response = await apps.PaymentsDapr.GetAsync($"/v1.0/state/statestore/payment-{order.OrderId}", cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var status = body.Length == 0 ? "none" : JsonDocument.Parse(body).RootElement.GetProperty("status").GetString();
            paymentAuthorizations[order.OrderId] = body.Length == 0 ? null
                : JsonDocument.Parse(body).RootElement.TryGetProperty("authorizationId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            if (status == "Authorized" && !Sold(order.OrderId))
            {
                keptForUnsold++;
                details.Add($"order {order.OrderId} is {statuses[order.OrderId]} but payments keeps its charge");
            }
        }

        // The provider's books: charges made per order, and those not given back.
        var books = await apps.Provider.GetFromJsonAsync<JsonElement>("/admin/authorizations", cancellationToken);
        var approved = books.EnumerateArray()
            .Where(e => e.GetProperty("status").GetString() == "approved")
            .GroupBy(e => e.GetProperty("reference").GetString()!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var doubleAtProvider = 0;
        foreach (var order in orders)
        {
            var charges = approved.GetValueOrDefault(order.OrderId) ?? [];
            var kept = charges.Where(c => c.GetProperty("refundId").ValueKind != JsonValueKind.String).ToList();
            if (charges.Count > 1)
            {
                doubleAtProvider++;
                details.Add($"order {order.OrderId} was charged {charges.Count} times by the provider ({kept.Count} kept)");
            }

            if (kept.Count > 0 && !Sold(order.OrderId))
            {
                keptForUnsold++;
                details.Add($"order {order.OrderId} is {statuses[order.OrderId]} but the provider keeps its charge");
            }

            // A charge payments does not know of is a second charge of the customer.
            if (kept.Count == 1 && paymentAuthorizations[order.OrderId] is { } known && kept[0].GetProperty("id").GetString() != known)
            {
                doubleInPayments++;
                details.Add($"order {order.OrderId}: payments records authorization {known}, the provider kept {kept[0].GetProperty("id").GetString()}");
            }
        }

        // Stock: nothing sold beyond what there was, and every unit somewhere.
        var oversold = 0;
        var unaccounted = 0;
        foreach (var (sku, initial) in initialStock)
        {
            var stock = await apps.Inventory.GetFromJsonAsync<JsonElement>($"/stock/{sku}", cancellationToken);
            var available = stock.GetProperty("available").GetInt32();
            var reserved = stock.GetProperty("reserved").GetInt32();
            var sold = orders.Where(o => o.Line.Sku == sku && Sold(o.OrderId)).Sum(o => o.Line.Quantity);
            oversold += Math.Max(0, sold - initial) + Math.Max(0, -available);
            var missing = Math.Abs(initial - (available + reserved + sold));
            unaccounted += missing;
            details.Add($"{sku}: initial {initial}, available {available}, reserved {reserved}, sold {sold}");
        }

        // Shipments: only for confirmed orders, one each.
        var created = ShipmentsCreated(runLog);
        var shippedUnconfirmed = 0;
        var shippedTwice = 0;
        foreach (var order in orders)
        {
            using var shipment = await apps.Shipping.GetAsync($"/shipments/{order.OrderId}", cancellationToken);
            if (shipment.StatusCode == HttpStatusCode.OK && !Sold(order.OrderId))
            {
                shippedUnconfirmed++;
                details.Add($"order {order.OrderId} is {statuses[order.OrderId]} but has a shipment");
            }

            if (created.GetValueOrDefault(order.OrderId) > 1)
            {
                shippedTwice++;
                details.Add($"order {order.OrderId} got {created[order.OrderId]} shipments");
            }
        }

        return new Reconciliation(orders.Count, notTerminal.Count, doubleInPayments, doubleAtProvider, keptForUnsold, oversold, unaccounted,
            shippedUnconfirmed, shippedTwice, notFoundAfterAccept.Count, details);
    }

    /// <summary>Shipping logs "shipment created" once per shipment it stores (a repeat finds the one there).</summary>
    private static Dictionary<string, int> ShipmentsCreated(string runLog)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using var reader = new StreamReader(new FileStream(runLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains("\"shipment created\"", StringComparison.Ordinal) && OrderIdField().Match(line) is { Success: true } match)
            {
                counts[match.Groups[1].Value] = counts.GetValueOrDefault(match.Groups[1].Value) + 1;
            }
        }

        return counts;
    }

    public string Describe(string profile, int kills, int duplicates, int failedWrites, IEnumerable<string> skipped)
    {
        var text = new StringBuilder();
        text.AppendLine($"chaos on {profile}: accepted orders {Accepted}, kills {kills}, duplicates injected {duplicates}, state writes failed {failedWrites}");
        foreach (var line in skipped)
        {
            text.AppendLine($"  skipped: {line}");
        }

        text.AppendLine($"  orders not in a terminal status: {NotTerminal}");
        text.AppendLine($"  double charges (payments' ledger): {DoubleChargesInPayments}");
        text.AppendLine($"  double charges (provider's books): {DoubleChargesAtProvider}");
        text.AppendLine($"  charges kept for orders not sold: {ChargesKeptForUnsoldOrders}");
        text.AppendLine($"  units oversold: {UnitsOversold}");
        text.AppendLine($"  units unaccounted for: {UnitsUnaccountedFor}");
        text.AppendLine($"  shipments for an order that is not confirmed: {ShipmentsForUnconfirmedOrders}");
        text.AppendLine($"  orders shipped twice: {OrdersShippedTwice}");
        text.AppendLine($"  accepted orders answered 404 when read at once: {NotFoundRightAfterAccept}");
        foreach (var detail in Details.Take(40))
        {
            text.AppendLine($"    {detail}");
        }

        return text.ToString();
    }

    [GeneratedRegex("\"order_id\": \"([^\"]+)\"")]
    private static partial Regex OrderIdField();
}
