using Microsoft.Extensions.Configuration;
using Serilog;
using Serilog.Events;

namespace Sidecart.ServiceDefaults.Logging;

/// <summary>
/// Serilog, once it is the logger factory, ignores Microsoft.Extensions.Logging's filters, so the usual
/// <c>Logging:LogLevel</c> section (appsettings.json, <c>Logging__LogLevel__Default</c>) becomes its minimum level
/// (<c>Default</c>) and per-category overrides (every other key, matched as a prefix of the source context).
/// <c>Microsoft.AspNetCore</c> is at Warning unless configured: its request-start and request-end lines would repeat
/// the one request line the service defaults write.
/// </summary>
internal static class ConfiguredLogLevels
{
    public const string Section = "Logging:LogLevel";

    public static LoggerConfiguration ApplyLogLevels(this LoggerConfiguration logger, IConfiguration configuration)
    {
        logger.MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning);
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            if (entry.Value is not { } value || !Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(value, ignoreCase: true, out var level))
            {
                continue;
            }

            if (string.Equals(entry.Key, "Default", StringComparison.OrdinalIgnoreCase))
            {
                logger.MinimumLevel.Is(ToSerilog(level));
            }
            else if (!entry.Key.Contains('*', StringComparison.Ordinal))
            {
                logger.MinimumLevel.Override(entry.Key, ToSerilog(level));
            }
        }

        return logger;
    }

    private static LogEventLevel ToSerilog(Microsoft.Extensions.Logging.LogLevel level) => level switch
    {
        Microsoft.Extensions.Logging.LogLevel.Trace => LogEventLevel.Verbose,
        Microsoft.Extensions.Logging.LogLevel.Debug => LogEventLevel.Debug,
        Microsoft.Extensions.Logging.LogLevel.Information => LogEventLevel.Information,
        Microsoft.Extensions.Logging.LogLevel.Warning => LogEventLevel.Warning,
        Microsoft.Extensions.Logging.LogLevel.Error => LogEventLevel.Error,
        Microsoft.Extensions.Logging.LogLevel.Critical => LogEventLevel.Fatal,
        _ => LevelAlias.Off,
    };
}
