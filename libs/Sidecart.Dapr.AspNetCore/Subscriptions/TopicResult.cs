using Microsoft.AspNetCore.Http;
using Sidecart.Dapr.AspNetCore.Serialization;

namespace Sidecart.Dapr.AspNetCore;

/// <summary>A 200 answer carrying the delivery status; written with the library's own JSON context so apps need not register it.</summary>
public sealed class TopicResult : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    internal TopicResult(TopicStatus status) => Status = status;

    public TopicStatus Status { get; }

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => "application/json";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        return httpContext.Response.WriteAsJsonAsync(
            new TopicResponse(TopicResponse.StatusText(Status)),
            DaprAspNetCoreJsonContext.Default.TopicResponse,
            ContentType,
            httpContext.RequestAborted);
    }
}
