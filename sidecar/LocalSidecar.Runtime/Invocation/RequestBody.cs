using Microsoft.AspNetCore.Http;

namespace LocalSidecar.Invocation;

/// <summary>The body of an invocation as content for the forwarded request: streamed through from an incoming HTTP
/// request (one send), or held in memory (a gRPC message, or a request read first because a resiliency retry may
/// have to send it again).</summary>
public sealed class RequestBody
{
    private readonly HttpRequest? _request;
    private readonly byte[]? _buffered;
    private readonly string? _contentType;

    private RequestBody(HttpRequest? request, byte[]? buffered, string? contentType)
    {
        _request = request;
        _buffered = buffered;
        _contentType = contentType;
    }

    public bool IsReplayable => _buffered is not null || _request is null || !HasBody(_request);

    public static RequestBody Streamed(HttpRequest request) => new(request, null, null);

    /// <summary>Bytes with their content type; no content at all when both are empty.</summary>
    public static RequestBody FromBytes(byte[] data, string? contentType) =>
        new(null, data.Length == 0 && string.IsNullOrEmpty(contentType) ? null : data, contentType);

    /// <summary>This body read into memory, so that it can be sent more than once.</summary>
    public async Task<RequestBody> BufferAsync(CancellationToken cancellationToken)
    {
        if (IsReplayable)
        {
            return this;
        }

        using var memory = new MemoryStream();
        await _request!.Body.CopyToAsync(memory, cancellationToken);
        return new RequestBody(_request, memory.ToArray(), null);
    }

    /// <summary>A fresh content for one send; null when there is neither a body nor a content type.
    /// A streamed body may only be sent again if the previous send never connected.</summary>
    public HttpContent? CreateContent()
    {
        if (_request is null)
        {
            if (_buffered is null)
            {
                return null;
            }

            var content = new ByteArrayContent(_buffered);
            if (!string.IsNullOrEmpty(_contentType))
            {
                content.Headers.TryAddWithoutValidation("Content-Type", _contentType);
            }

            return content;
        }

        if (!HasBody(_request) && _request.ContentType is null)
        {
            return null;
        }

        return _buffered is not null ? new ByteArrayContent(_buffered) : new StreamContent(_request.Body);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
}
