using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sidecart.Payments.Tests;

/// <summary>A payment provider whose answers a test scripts: one per call, in order, the last one repeating. It serves
/// on a free port and records each call, so a test sees exactly how often payments called and with which key.</summary>
public sealed class ScriptedProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ProviderCall> _calls = new();
    private readonly Queue<ScriptedAnswer> _answers;
    private readonly Lock _gate = new();

    private ScriptedProvider(ScriptedAnswer[] answers)
    {
        _answers = new Queue<ScriptedAnswer>(answers);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.Run(AnswerAsync);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<ProviderCall> Calls => [.. _calls];

    public static async Task<ScriptedProvider> StartAsync(params ScriptedAnswer[] answers)
    {
        var provider = new ScriptedProvider(answers);
        await provider._app.StartAsync();
        provider.BaseAddress = new Uri(provider._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        return provider;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task AnswerAsync(HttpContext http)
    {
        _calls.Enqueue(new ProviderCall(http.Request.Method, http.Request.Path, http.Request.Headers["Idempotency-Key"].ToString()));
        ScriptedAnswer answer;
        lock (_gate)
        {
            answer = _answers.Count > 1 ? _answers.Dequeue() : _answers.Peek();
        }

        http.Response.StatusCode = answer.Status;
        if (answer.Body is { } body)
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(body);
        }
    }
}

/// <summary>One call the <see cref="ScriptedProvider"/> received; <see cref="IdempotencyKey"/> is empty when none was sent.</summary>
public sealed record ProviderCall(string Method, string Path, string IdempotencyKey);

/// <summary>One scripted provider answer.</summary>
public sealed record ScriptedAnswer(int Status, string? Body = null)
{
    public static ScriptedAnswer Approved { get; } = new(200, """{"id":"auth_scripted","status":"approved","declineReason":null}""");

    public static ScriptedAnswer Declined(string reason) => new(200, $$"""{"id":"auth_declined","status":"declined","declineReason":"{{reason}}"}""");

    public static ScriptedAnswer Failing(int status) => new(status, """{"code":"unavailable"}""");
}
