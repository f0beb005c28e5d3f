using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Sidecart.Events;

public static class EventContractServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="EventContract{T}"/> of a consumed topic, with the schema file <c>schemas/&lt;schemaFile&gt;</c>
    /// next to the app (its csproj copies it there from <c>docs/schemas</c>). The file is loaded here, so a missing or
    /// unsupported one fails the app's start rather than its first event.
    /// </summary>
    public static IServiceCollection AddEventContract<T>(this IServiceCollection services, string topic, string schemaFile, JsonTypeInfo<T> typeInfo) =>
        services.AddSingleton(new EventContract<T>(topic, JsonSchemaValidator.Load(Path.Combine(AppContext.BaseDirectory, "schemas", schemaFile)), typeInfo));
}
