using System.Text.Json;
using System.Text.Json.Serialization;
using Sidecart.Inventory.Actors;
using Sidecart.Inventory.Events;
using Sidecart.Inventory.Model;

namespace Sidecart.Inventory;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ReserveStock))]
[JsonSerializable(typeof(StockOrderRef))]
[JsonSerializable(typeof(StockOperationResult))]
[JsonSerializable(typeof(StockReceipt))]
[JsonSerializable(typeof(StockReceiptResult))]
[JsonSerializable(typeof(StockLevel))]
[JsonSerializable(typeof(StockLedger))]
[JsonSerializable(typeof(StockReceived))]
[JsonSerializable(typeof(List<OpeningStock>))]
public sealed partial class InventoryJsonContext : JsonSerializerContext;
