using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sidecart.ServiceDefaults.Logging;
using Sidecart.ServiceDefaults.Tests.Support;

namespace Sidecart.ServiceDefaults.Tests;

[Collection(nameof(ConsoleCapture))]
public sealed class LoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task By_default_each_event_is_one_plain_text_line_with_level_source_message_and_the_requests_trace()
    {
        var (output, trace) = await ConsoleCapture.RunAsync(() => SayHelloAsync(json: null));

        var lines = ConsoleCapture.Lines(output);
        Assert.All(lines, line => Assert.False(line.StartsWith('{'), line));
        var hello = Assert.Single(lines, line => line.Contains("Saying hello", StringComparison.Ordinal));
        Assert.Matches($@"^\d\d:\d\d:\d\d\.\d{{3}} INF Hello: Saying hello to world trace_id={trace.TraceId} span_id={trace.SpanId}$", hello);
        var request = Assert.Single(lines, line => line.Contains("HTTP POST /hello", StringComparison.Ordinal));
        Assert.Matches($@"^\d\d:\d\d:\d\d\.\d{{3}} INF Serilog\.AspNetCore\.RequestLoggingMiddleware: HTTP POST /hello responded 200 in [0-9.]+ ms trace_id={trace.TraceId} span_id=[0-9a-f]{{16}}$", request);
        AssertNoSecrets(output);
    }

    [Fact]
    public async Task With_Logging_Json_each_event_is_one_json_object_with_the_trace_source_and_app_id()
    {
        var (output, trace) = await ConsoleCapture.RunAsync(() => SayHelloAsync(json: "true"));

        var entries = ConsoleCapture.Lines(output).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var hello = Assert.Single(entries, e => e.TryGetProperty("@m", out var m) && m.GetString() == "Saying hello to \"world\"");
        Assert.True(DateTimeOffset.TryParse(hello.GetProperty("@t").GetString(), out _));
        Assert.False(hello.TryGetProperty("@l", out _));   // CLEF leaves out Information, the default level
        Assert.Equal(trace.TraceId, hello.GetProperty("@tr").GetString());
        Assert.Equal(trace.SpanId, hello.GetProperty("@sp").GetString());
        Assert.Equal("Hello", hello.GetProperty("SourceContext").GetString());
        Assert.Equal("world", hello.GetProperty("Name").GetString());
        Assert.Equal("ordering", hello.GetProperty("app_id").GetString());
        var slow = Assert.Single(entries, e => e.GetProperty("@m").GetString() == "Hello was slow");
        Assert.Equal("Warning", slow.GetProperty("@l").GetString());
        var request = Assert.Single(entries, e => e.GetProperty("SourceContext").GetString() == "Serilog.AspNetCore.RequestLoggingMiddleware");
        Assert.StartsWith("HTTP \"POST\" \"/hello\" responded 200 in ", request.GetProperty("@m").GetString(), StringComparison.Ordinal);
        Assert.Equal(trace.TraceId, request.GetProperty("@tr").GetString());
        Assert.Equal(200, request.GetProperty("StatusCode").GetInt32());
        AssertNoSecrets(output);
    }

    [Fact]
    public async Task The_log_level_comes_from_the_Logging_LogLevel_section()
    {
        var (output, _) = await ConsoleCapture.RunAsync(async () =>
        {
            await using var app = await StartAppAsync(new() { ["Logging:LogLevel:Default"] = "Warning" });
            using var response = await app.GetTestClient().PostAsync("/hello", null, Ct);
            return 0;
        });

        Assert.DoesNotContain("Saying hello", output, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP POST /hello", output, StringComparison.Ordinal);
        Assert.Contains("WRN Hello: Hello was slow", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_category_override_applies_to_its_sources_only()
    {
        var (output, _) = await ConsoleCapture.RunAsync(async () =>
        {
            await using var app = await StartAppAsync(new()
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Hello"] = "Error",
            });
            using var response = await app.GetTestClient().PostAsync("/hello", null, Ct);
            return 0;
        });

        Assert.DoesNotContain("Hello was slow", output, StringComparison.Ordinal);
        Assert.Contains("HTTP POST /hello responded 200", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_probes_are_logged_at_debug_only()
    {
        var (output, _) = await ConsoleCapture.RunAsync(async () =>
        {
            await using var app = await StartAppAsync(new() { ["Logging:LogLevel:Default"] = "Information" });
            using var probe = await app.GetTestClient().GetAsync("/healthz", Ct);
            using var request = await app.GetTestClient().PostAsync("/hello", null, Ct);
            return 0;
        });

        Assert.Contains("HTTP POST /hello responded 200", output, StringComparison.Ordinal);
        Assert.DoesNotContain("/healthz", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logger_providers_registered_with_the_container_receive_the_events_too()
    {
        var captured = new CapturingProvider();
        await ConsoleCapture.RunAsync(async () =>
        {
            await using var app = await ServiceDefaultsApp.StartAsync(
                MapHello,
                new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" },
                services => services.AddSingleton<ILoggerProvider>(captured));
            using var response = await app.GetTestClient().PostAsync("/hello", null, Ct);
            return 0;
        });

        Assert.Contains(captured.Messages, m => m == "Saying hello to \"world\"");
        Assert.Contains(captured.Messages, m => m.StartsWith("HTTP \"POST\" \"/hello\" responded 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Header_values_of_outgoing_calls_stay_out_of_the_logs_even_at_trace_level()
    {
        var captured = new CapturingProvider();
        var (output, _) = await ConsoleCapture.RunAsync(async () =>
        {
            await using var app = await ServiceDefaultsApp.StartAsync(
                app => app.MapGet("/call", async (IHttpClientFactory clients) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "http://provider.invalid/v1/charges");
                    request.Headers.Add("Authorization", "Bearer sk_live_top_secret");
                    using var response = await clients.CreateClient("provider").SendAsync(request);
                    return (int)response.StatusCode;
                }),
                new Dictionary<string, string?>
                {
                    ["Logging:LogLevel:Default"] = "Trace",
                    [LogFormat.JsonSwitch] = "true",
                },
                services =>
                {
                    services.AddHttpClient("provider").ConfigurePrimaryHttpMessageHandler(() => new SecretCookieHandler());
                    services.AddSingleton<ILoggerProvider>(captured);
                });
            using var response = await app.GetTestClient().GetAsync("/call", Ct);
            return 0;
        });

        var entries = ConsoleCapture.Lines(output).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        // The header events are there (so the search below covers them), with their values redacted.
        var requestHeaders = Assert.Single(entries, e => e.GetProperty("SourceContext").GetString() == "System.Net.Http.HttpClient.provider.ClientHandler"
            && e.GetProperty("@m").GetString()!.StartsWith("Request Headers:", StringComparison.Ordinal));
        Assert.Contains("Authorization: *", requestHeaders.GetProperty("@m").GetString(), StringComparison.Ordinal);
        Assert.Contains(entries, e => e.GetProperty("@m").GetString()!.StartsWith("Response Headers:", StringComparison.Ordinal));
        Assert.DoesNotContain("sk_live_top_secret", output, StringComparison.Ordinal);
        Assert.DoesNotContain("session-secret", output, StringComparison.Ordinal);
        Assert.DoesNotContain(captured.Messages, m => m.Contains("sk_live_top_secret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    public void The_json_switch_reads_Logging_Json(string? value, bool json)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [LogFormat.JsonSwitch] = value }).Build();

        Assert.Equal(json, LogFormat.IsJson(configuration));
    }

    [Fact]
    public void The_json_switch_is_Logging__Json_in_the_environment()
    {
        const string variable = "SIDECART_TEST_Logging__Json";
        Environment.SetEnvironmentVariable(variable, "true");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables("SIDECART_TEST_").Build();
            Assert.True(LogFormat.IsJson(configuration));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private static async Task<(string TraceId, string SpanId)> SayHelloAsync(string? json)
    {
        await using var app = await StartAppAsync(new()
        {
            ["Logging:LogLevel:Default"] = "Information",
            [LogFormat.JsonSwitch] = json,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hello") { Content = new StringContent("password=hunter2") };
        request.Headers.Add("Authorization", "Bearer top-secret-token");
        using var response = await app.GetTestClient().SendAsync(request, Ct);
        var ids = (await response.Content.ReadAsStringAsync(Ct)).Trim('"').Split(' ');
        return (ids[0], ids[1]);
    }

    private static Task<WebApplication> StartAppAsync(Dictionary<string, string?> configuration) =>
        ServiceDefaultsApp.StartAsync(MapHello, configuration);

    private static void MapHello(WebApplication app) => app.MapPost("/hello", (ILoggerFactory loggers) =>
    {
        var logger = loggers.CreateLogger("Hello");
        logger.LogInformation("Saying hello to {Name}", "world");
        logger.LogWarning("Hello was slow");
        return $"{Activity.Current?.TraceId.ToHexString()} {Activity.Current?.SpanId.ToHexString()}";
    });

    private static void AssertNoSecrets(string output)
    {
        Assert.DoesNotContain("top-secret-token", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    private sealed class SecretCookieHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK);
            response.Headers.Add("Set-Cookie", "session=session-secret");
            return Task.FromResult(response);
        }
    }

    private sealed class CapturingProvider : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
