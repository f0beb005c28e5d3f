using LocalSidecar.Api.Universal;
using Microsoft.AspNetCore.Http;

namespace LocalSidecar.Api;

/// <summary>Renders a <see cref="DaprApiException"/> thrown by the API core as daprd's HTTP error body.</summary>
public sealed class DaprApiExceptionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (DaprApiException e)
        {
            return DaprError.From(e.Error);
        }
    }
}
