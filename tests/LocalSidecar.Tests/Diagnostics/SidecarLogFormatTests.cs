using System.Text.Json;
using LocalSidecar.Logging;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>The sidecar's log lines as daprd's: logrus text by default, JSON with <c>--log-as-json</c>, daprd's level
/// names and fields, <c>--log-level</c> filtering (the API loggers excepted).</summary>
public sealed class SidecarLogFormatTests
{
    [Fact]
    public void Text_lines_are_logrus_lines_with_time_level_and_msg_first_then_the_fields_by_name()
    {
        var line = Assert.Single(Log(json: false, LogLevel.Information, logs =>
            logs.CreateLogger("LocalSidecar.Actors").LogWarning("Actor {Actor} moved to {Host}", "Counter/1", "node 2")));

        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(line,
            @"^time=""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"" level=warning msg=""Actor Counter/1 moved to node 2"" app_id=orders instance=\S+ scope=dapr\.runtime\.actors type=log ver=[\w.-]+$"), line);
    }

    [Fact]
    public void Json_lines_hold_daprds_keys_in_name_order_with_go_escaping()
    {
        var line = Assert.Single(Log(json: true, LogLevel.Information, logs =>
            logs.CreateLogger("LocalSidecar").LogInformation("Loaded {Count} components from <{Folder}>", 3, "a&b")));

        using var entry = JsonDocument.Parse(line);
        Assert.Equal(["app_id", "instance", "level", "msg", "scope", "time", "type", "ver"], entry.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("info", entry.RootElement.GetProperty("level").GetString());
        Assert.Equal("Loaded 3 components from <a&b>", entry.RootElement.GetProperty("msg").GetString());
        Assert.Equal("dapr.runtime", entry.RootElement.GetProperty("scope").GetString());
        Assert.Equal("orders", entry.RootElement.GetProperty("app_id").GetString());
        Assert.Equal("log", entry.RootElement.GetProperty("type").GetString());
        Assert.Contains(@"\u003ca\u0026b\u003e", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_level_filters_lines_and_names_levels_as_daprd_does()
    {
        var lines = Log(json: true, LogLevel.Warning, logs =>
        {
            var logger = logs.CreateLogger("LocalSidecar.PubSub");
            logger.LogDebug("hidden debug");
            logger.LogInformation("hidden info");
            logger.LogWarning("shown warning");
            logger.LogError("shown error");
            logger.LogCritical("shown critical");
        });

        Assert.Equal([("warning", "shown warning"), ("error", "shown error"), ("fatal", "shown critical")], lines.Select(Level));

        var debug = Log(json: true, LogLevel.Debug, logs => logs.CreateLogger("LocalSidecar").LogDebug("shown debug"));
        Assert.Equal(("debug", "shown debug"), Level(Assert.Single(debug)));
    }

    [Fact]
    public void Api_log_lines_carry_their_fields_and_show_at_any_log_level()
    {
        foreach (var json in new[] { true, false })
        {
            var line = Assert.Single(Log(json, LogLevel.Error, logs =>
            {
                var api = logs.CreateLogger("dapr.runtime.http-info");
                using (api.BeginScope(new Dictionary<string, object> { ["method"] = "GET /v1.0/state/s/k", ["code"] = 204, ["duration"] = 3L, ["useragent"] = "curl/8", ["size"] = 0L }))
                {
                    api.LogInformation("HTTP API Called");
                }
            }));

            if (json)
            {
                using var entry = JsonDocument.Parse(line);
                Assert.Equal("GET /v1.0/state/s/k", entry.RootElement.GetProperty("method").GetString());
                Assert.Equal(204, entry.RootElement.GetProperty("code").GetInt32());
                Assert.Equal("dapr.runtime.http-info", entry.RootElement.GetProperty("scope").GetString());
                Assert.Equal("HTTP API Called", entry.RootElement.GetProperty("msg").GetString());
            }
            else
            {
                Assert.Contains(@" level=info msg=""HTTP API Called"" app_id=orders code=204 duration=3 instance=", line, StringComparison.Ordinal);
                Assert.Contains(@" method=""GET /v1.0/state/s/k"" scope=dapr.runtime.http-info size=0 type=log useragent=curl/8 ver=", line, StringComparison.Ordinal);
            }
        }
    }

    private static (string, string) Level(string line)
    {
        using var entry = JsonDocument.Parse(line);
        return (entry.RootElement.GetProperty("level").GetString()!, entry.RootElement.GetProperty("msg").GetString()!);
    }

    private static List<string> Log(bool json, LogLevel level, Action<ILoggerFactory> write)
    {
        var output = new StringWriter();
        using (var logs = SidecarLogging.CreateLoggerFactory("orders", level, json, output))
        {
            write(logs);
        }

        return [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
