using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using Sidecart.Dapr.Serialization;

namespace Sidecart.Dapr;

/// <summary>
/// A typed client for the Dapr sidecar's HTTP API (v1.0). Values are (de)serialized through the
/// <see cref="JsonTypeInfo{T}"/> the caller passes, so apps use their own source-generated
/// <c>JsonSerializerContext</c>. The building blocks live in the partial files next to this one.
/// </summary>
public sealed partial class DaprClient
{
    public const string ApiTokenHeader = "dapr-api-token";
    private const string MetadataPrefix = "metadata.";

    private readonly HttpClient _httpClient;
    private readonly DaprClientOptions _options;
    private readonly string _baseUrl;

    public DaprClient(HttpClient httpClient, IOptions<DaprClientOptions> options)
    {
        _httpClient = httpClient;
        _options = options.Value;
        _baseUrl = _options.HttpEndpoint.ToString().TrimEnd('/');
    }

    public Uri HttpEndpoint => _options.HttpEndpoint;

    private HttpRequestMessage CreateRequest(
        HttpMethod method,
        string relativePath,
        IReadOnlyDictionary<string, string>? metadata = null,
        IEnumerable<KeyValuePair<string, string?>>? query = null,
        HttpContent? content = null)
    {
        var url = new StringBuilder(_baseUrl).Append('/').Append(relativePath);
        var separator = relativePath.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        foreach (var (name, value) in query ?? [])
        {
            if (value is null)
            {
                continue;
            }

            url.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
        {
            url.Append(separator).Append(MetadataPrefix).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        var request = new HttpRequestMessage(method, new Uri(url.ToString(), UriKind.Absolute)) { Content = content };
        if (!string.IsNullOrEmpty(_options.ApiToken))
        {
            request.Headers.TryAddWithoutValidation(ApiTokenHeader, _options.ApiToken);
        }

        return request;
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);

    /// <summary>Sends a request to a Dapr API and throws <see cref="DaprApiException"/> unless it succeeds.</summary>
    private async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var (errorCode, message, body) = await ReadErrorAsync(response, cancellationToken);
                throw new DaprApiException(response.StatusCode, errorCode, message, body);
            }
        }

        return response;
    }

    private async Task SendAndForgetAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        using (await SendCheckedAsync(request, cancellationToken))
        {
        }
    }

    private static async Task<(string? ErrorCode, string Message, string Body)> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var fallback = $"Dapr answered {(int)response.StatusCode} {response.ReasonPhrase}";
        if (body.Length == 0)
        {
            return (null, fallback, body);
        }

        try
        {
            var error = JsonSerializer.Deserialize(body, DaprWireJsonContext.Default.DaprErrorBody);
            if (error?.ErrorCode is not null)
            {
                return (error.ErrorCode, error.Message ?? fallback, body);
            }
        }
        catch (JsonException)
        {
            // Not a Dapr error body (e.g. "invalid api token" or a relayed app response): keep the raw text.
        }

        return (null, $"{fallback}: {body}", body);
    }

    private static ByteArrayContent JsonBody<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Reads a JSON body, or default when the answer is 204 or empty.</summary>
    private static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return default;
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return bytes.Length == 0 ? default : JsonSerializer.Deserialize(bytes, typeInfo);
    }

    private static Dictionary<string, string> ReadResponseMetadata(HttpResponseMessage response)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            if (name.StartsWith(MetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                metadata[name[MetadataPrefix.Length..]] = values.ToString();
            }
        }

        return metadata;
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
