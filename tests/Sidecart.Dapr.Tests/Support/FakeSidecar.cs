using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sidecart.Dapr.Tests.Support;

/// <summary>
/// A stand-in for daprd on a real loopback port: it records every request exactly as it arrived (raw target, headers,
/// body) and answers with whatever <see cref="Respond"/> returns, so tests assert the wire format of the client.
/// </summary>
public sealed class FakeSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeSidecar(WebApplication app) => _app = app;

    public Func<RecordedRequest, SidecarResponse> Respond { get; set; } = _ => SidecarResponse.NoContent();

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public RecordedRequest SingleRequest => Assert.Single(_requests);

    public static async Task<FakeSidecar> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var sidecar = new FakeSidecar(app);
        app.Run(sidecar.HandleAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        sidecar.Endpoint = new Uri(address);
        return sidecar;
    }

    public DaprClient CreateClient(string? apiToken = null, TimeSpan? healthTimeout = null) =>
        new(new HttpClient(), Options.Create(new DaprClientOptions
        {
            HttpEndpoint = Endpoint,
            ApiToken = apiToken,
            SidecarHealthTimeout = healthTimeout ?? TimeSpan.FromSeconds(5),
            SidecarHealthPollInterval = TimeSpan.FromMilliseconds(10),
        }));

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var queryStart = target.IndexOf('?', StringComparison.Ordinal);
        var recorded = new RecordedRequest(
            context.Request.Method,
            queryStart < 0 ? target : target[..queryStart],
            queryStart < 0 ? string.Empty : target[queryStart..],
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            context.Request.ContentType,
            body);
        _requests.Enqueue(recorded);

        var response = Respond(recorded);
        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (response.Body is not null)
        {
            context.Response.ContentType = response.ContentType;
            await context.Response.WriteAsync(response.Body, context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

public sealed record SidecarResponse(int Status, string? Body = null, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static SidecarResponse NoContent() => new(StatusCodes.Status204NoContent);

    public static SidecarResponse Json(string body, IReadOnlyDictionary<string, string>? headers = null) => new(StatusCodes.Status200OK, body, Headers: headers);

    public static SidecarResponse Error(int status, string errorCode, string message) =>
        new(status, $$"""{"errorCode":"{{errorCode}}","message":"{{message}}"}""");
}
