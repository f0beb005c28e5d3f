using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecart.Events.Tests.Support;

public sealed record Order(string Id, decimal Total);

public sealed record StockReceived(string Sku, int Quantity, string ReceiptId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(StockReceived))]
public sealed partial class TestJsonContext : JsonSerializerContext;
