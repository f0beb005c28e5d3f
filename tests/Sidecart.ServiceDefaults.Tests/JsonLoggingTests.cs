using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using Sidecart.ServiceDefaults.Tests.Support;

namespace Sidecart.ServiceDefaults.Tests;

[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;

// Serilog's console sink writes to Console.Out, so these tests swap it and must not run beside the others.
[Collection(nameof(ConsoleCapture))]
public sealed class JsonLoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_log_line_written_in_a_request_is_one_json_object_with_the_trace_and_app_id()
    {
        var (output, requestTraceId) = await CaptureConsoleAsync(async () =>
        {
            await using var app = await StartAppAsync("Information");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hello") { Content = new StringContent("password=hunter2") };
            request.Headers.Add("Authorization", "Bearer top-secret-token");
            using var response = await app.GetTestClient().SendAsync(request, Ct);
            return await response.Content.ReadAsStringAsync(Ct);
        });

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var hello = Assert.Single(entries, e => e.GetProperty("MessageTemplate").GetString() == "Saying hello to {Name}");
        Assert.Equal("Information", hello.GetProperty("Level").GetString());
        Assert.Equal("Saying hello to \"world\"", hello.GetProperty("RenderedMessage").GetString());
        var properties = hello.GetProperty("Properties");
        Assert.Equal(requestTraceId, properties.GetProperty("trace_id").GetString());
        Assert.Matches("^[0-9a-f]{32}$", requestTraceId);
        Assert.Matches("^[0-9a-f]{16}$", properties.GetProperty("span_id").GetString());
        Assert.Equal("ordering", properties.GetProperty("app_id").GetString());
        Assert.DoesNotContain("top-secret-token", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_log_level_comes_from_configuration()
    {
        var (output, _) = await CaptureConsoleAsync(async () =>
        {
            await using var app = await StartAppAsync("Warning");
            using var response = await app.GetTestClient().PostAsync("/hello", null, Ct);
            return string.Empty;
        });

        Assert.DoesNotContain("Saying hello", output, StringComparison.Ordinal);
        Assert.Contains("Hello was slow", output, StringComparison.Ordinal);
    }

    private static Task<WebApplication> StartAppAsync(string level) => ServiceDefaultsApp.StartAsync(
        app => app.MapPost("/hello", (ILoggerFactory loggers) =>
        {
            var logger = loggers.CreateLogger("Hello");
            logger.LogInformation("Saying hello to {Name}", "world");
            logger.LogWarning("Hello was slow");
            return Activity.Current?.TraceId.ToHexString();
        }),
        new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = level });

    private static async Task<(string Output, string Result)> CaptureConsoleAsync(Func<Task<string>> action)
    {
        var original = Console.Out;
        using var capture = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(capture));
        try
        {
            var result = await action();
            return (capture.ToString(), result);
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
