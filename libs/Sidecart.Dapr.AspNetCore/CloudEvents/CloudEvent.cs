using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Sidecart.Dapr.AspNetCore;

/// <summary>
/// A CloudEvent delivered by the sidecar (<c>application/cloudevents+json</c>), bindable as a minimal-API handler
/// parameter. <see cref="Data"/> is deserialized with the app's HTTP JSON options, so register the app's
/// <c>JsonSerializerContext</c> with <c>ConfigureHttpJsonOptions</c>. A body that is not a valid event is never
/// handed to the handler: on an endpoint declared with <c>WithTopic</c> it is answered with DROP.
/// </summary>
public sealed record CloudEvent<T>(string Id, string Source, string Type, T Data)
{
    public string SpecVersion { get; init; } = "1.0";

    public string? DataContentType { get; init; }

    public string? Topic { get; init; }

    public string? PubsubName { get; init; }

    public DateTimeOffset? Time { get; init; }

    public string? Subject { get; init; }

    public string? TraceParent { get; init; }

    // Minimal APIs discover parameter binders by this exact static signature on the parameter type.
#pragma warning disable CA1000
    public static async ValueTask<CloudEvent<T>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var options = context.RequestServices.GetService<IOptions<HttpJsonOptions>>()?.Value.SerializerOptions ?? JsonSerializerOptions.Web;
        var typeInfo = DataTypeInfo(options);
        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (CloudEventReader.TryRead(body, typeInfo, out var cloudEvent, out var error))
        {
            return cloudEvent;
        }

        context.Items[CloudEventBindingFailure.ItemKey] = new CloudEventBindingFailure(error);
        context.RequestServices.GetService<ILoggerFactory>()?
            .CreateLogger(typeof(CloudEvent<T>).FullName ?? nameof(CloudEvent<T>))
            .LogWarning("Rejected an invalid CloudEvent on {Path}: {Reason}", context.Request.Path.Value, error);
        return null;
    }
#pragma warning restore CA1000

    private static JsonTypeInfo<T> DataTypeInfo(JsonSerializerOptions options)
    {
        try
        {
            return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"No JSON metadata for {typeof(T).Name}: add it to the app's JsonSerializerContext and register that with " +
                "ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AppJsonContext.Default)).",
                e);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
