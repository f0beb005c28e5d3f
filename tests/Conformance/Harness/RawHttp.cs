using System.Net.Sockets;
using System.Text;

namespace Conformance.Harness;

/// <summary>Sends a request exactly as written (HttpClient would resolve dot segments and refuse bad header bytes) and
/// reads the status code and body of the answer.</summary>
public static class RawHttp
{
    public static async Task<(int Status, string Body)> SendAsync(Uri endpoint, string method, string target, string extraHeaders = "", string body = "")
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port);
        await using var stream = client.GetStream();
        var request = $"{method} {target} HTTP/1.1\r\nHost: {endpoint.Host}:{endpoint.Port}\r\nConnection: close\r\n{extraHeaders}" +
            $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var statusLine = response.Split("\r\n", 2)[0].Split(' ');
        var bodyAt = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = bodyAt < 0 ? response : response[..bodyAt];
        var content = bodyAt < 0 ? "" : response[(bodyAt + 4)..];
        return (int.Parse(statusLine[1], System.Globalization.CultureInfo.InvariantCulture),
            head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(content) : content);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }

        return body.ToString();
    }
}
