using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sidecart.Events;

/// <summary>
/// A subscriber's answer to a delivery: 200 with <c>{"status":"SUCCESS"|"RETRY"|"DROP"}</c>, which daprd reads to
/// acknowledge, redeliver or dead-letter the event. Any other status makes daprd retry, so an event endpoint answers
/// with one of these even when the event is unusable (DROP), never with a 400.
/// </summary>
public sealed class TopicResponse : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private static readonly TopicResponse SuccessResponse = new(TopicStatus.Success);
    private static readonly TopicResponse RetryResponse = new(TopicStatus.Retry);
    private static readonly TopicResponse DropResponse = new(TopicStatus.Drop);

    private readonly byte[] _body;

    private TopicResponse(TopicStatus status)
    {
        Status = status;
        _body = Encoding.UTF8.GetBytes($$"""{"status":"{{StatusText(status)}}"}""");
    }

    public TopicStatus Status { get; }

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => "application/json";

    public static TopicResponse Success() => SuccessResponse;

    public static TopicResponse Retry() => RetryResponse;

    public static TopicResponse Drop() => DropResponse;

    public static string StatusText(TopicStatus status) => status switch
    {
        TopicStatus.Success => "SUCCESS",
        TopicStatus.Retry => "RETRY",
        TopicStatus.Drop => "DROP",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ContentType;
        httpContext.Response.ContentLength = _body.Length;
        await httpContext.Response.Body.WriteAsync(_body, httpContext.RequestAborted);
    }

    public override string ToString() => StatusText(Status);
}
