using Microsoft.AspNetCore.Http.Metadata;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Sidecart.ServiceDefaults.OpenApi;

/// <summary>
/// Puts a minimal API's <c>WithSummary(...)</c> and <c>WithDescription(...)</c> into its operation: NSwag reads
/// summaries from attributes and XML docs only.
/// </summary>
internal sealed class EndpointSummaryProcessor : IOperationProcessor
{
    public bool Process(OperationProcessorContext context)
    {
        var metadata = (context as AspNetCoreOperationProcessorContext)?.ApiDescription.ActionDescriptor.EndpointMetadata;
        if (metadata is null)
        {
            return true;
        }

        var operation = context.OperationDescription.Operation;
        if (metadata.OfType<IEndpointSummaryMetadata>().LastOrDefault() is { Summary: { Length: > 0 } summary })
        {
            operation.Summary = summary;
        }

        if (metadata.OfType<IEndpointDescriptionMetadata>().LastOrDefault() is { Description: { Length: > 0 } description })
        {
            operation.Description = description;
        }

        return true;
    }
}
