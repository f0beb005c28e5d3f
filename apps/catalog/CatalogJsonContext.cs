using System.Text.Json;
using System.Text.Json.Serialization;
using Sidecart.Catalog.Events;
using Sidecart.Catalog.Model;

namespace Sidecart.Catalog;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Product))]
[JsonSerializable(typeof(Product[]))]
[JsonSerializable(typeof(List<Product>))]
[JsonSerializable(typeof(ProductChange))]
[JsonSerializable(typeof(ProductUpdated))]
[JsonSerializable(typeof(List<string>))]
public sealed partial class CatalogJsonContext : JsonSerializerContext;
