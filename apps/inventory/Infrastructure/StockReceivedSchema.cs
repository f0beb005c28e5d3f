using Sidecart.Dapr.AspNetCore.Validation;
using Sidecart.Inventory.Events;

namespace Sidecart.Inventory.Infrastructure;

/// <summary>The <c>stock-received</c> contract, loaded once from the schema file copied next to the app from <c>docs/schemas</c>.</summary>
public sealed class StockReceivedSchema
{
    public JsonSchemaValidator Validator { get; } = JsonSchemaValidator.Load(Path.Combine(AppContext.BaseDirectory, "schemas", StockReceived.SchemaFile));
}
