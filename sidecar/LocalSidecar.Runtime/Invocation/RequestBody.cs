using Microsoft.AspNetCore.Http;

namespace LocalSidecar.Invocation;

/// <summary>The body of an incoming request as content for the forwarded one: streamed through (one send), or read
/// into memory first when a resiliency retry may have to send it again.</summary>
public sealed class RequestBody
{
    private readonly HttpRequest _request;
    private readonly byte[]? _buffered;

    private RequestBody(HttpRequest request, byte[]? buffered)
    {
        _request = request;
        _buffered = buffered;
    }

    public static RequestBody Streamed(HttpRequest request) => new(request, null);

    public static async Task<RequestBody> BufferedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!HasBody(request))
        {
            return new RequestBody(request, []);
        }

        using var memory = new MemoryStream();
        await request.Body.CopyToAsync(memory, cancellationToken);
        return new RequestBody(request, memory.ToArray());
    }

    /// <summary>A fresh content for one send; null when the caller sent neither a body nor content headers.
    /// A streamed body may only be sent again if the previous send never connected.</summary>
    public HttpContent? CreateContent()
    {
        if (!HasBody(_request) && _request.ContentType is null)
        {
            return null;
        }

        return _buffered is not null ? new ByteArrayContent(_buffered) : new StreamContent(_request.Body);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
}
