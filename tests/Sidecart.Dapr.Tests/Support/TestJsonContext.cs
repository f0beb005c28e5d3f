using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecart.Dapr.Tests.Support;

public sealed record Order(string Id, decimal Total);

public sealed record PriceQuery(string Sku);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(PriceQuery))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
public sealed partial class TestJsonContext : JsonSerializerContext;
