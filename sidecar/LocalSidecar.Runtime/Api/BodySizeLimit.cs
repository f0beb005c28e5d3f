using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LocalSidecar.Api;

/// <summary>Bodies over <c>--max-body-size</c>: refused with 413 before anything is read, stored, published or
/// forwarded, with daprd's body-read error (<c>ERR_BODY_READ</c>, "stream too large"). daprd itself cuts the body
/// stream at the limit and lets each handler report the read failure; a declared length over the limit is refused here
/// at once, and a chunked body that grows over it fails where it is read.</summary>
public static class BodySizeLimit
{
    public const string ErrorCode = "ERR_BODY_READ";

    public static IApplicationBuilder UseBodySizeLimit(this IApplicationBuilder app, long maxBodySize) => app.Use(async (http, next) =>
    {
        if (http.Request.ContentLength > maxBodySize)
        {
            await TooLarge(http);
            return;
        }

        try
        {
            await next(http);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !http.Response.HasStarted)
        {
            await TooLarge(http);
        }
    });

    /// <summary>With <c>Connection: close</c>, as Go's HTTP server answers a body over its limit: the unread rest of the
    /// body is never drained, so the connection ends with the answer, and a client must not send its next request on it.</summary>
    private static Task TooLarge(HttpContext http)
    {
        http.Response.Headers.Connection = "close";
        return DaprError.Create(StatusCodes.Status413PayloadTooLarge, ErrorCode, "failed to read request body: stream too large").ExecuteAsync(http);
    }
}
