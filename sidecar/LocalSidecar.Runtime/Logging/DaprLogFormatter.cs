using System.Globalization;
using System.Text;
using Serilog.Events;
using Serilog.Formatting;

namespace LocalSidecar.Logging;

/// <summary>daprd's log lines (dapr/kit's logrus logger): plain text by default, one JSON object with
/// <c>--log-as-json</c>. Both carry <c>time</c> (RFC 3339, nanosecond style), <c>level</c> (<c>debug</c>, <c>info</c>,
/// <c>warning</c>, <c>error</c>, <c>fatal</c>), <c>msg</c>, <c>app_id</c>, <c>instance</c> (the host name),
/// <c>scope</c>, <c>type</c> (<c>log</c>) and <c>ver</c>, plus the event's own fields (the API log's <c>method</c>,
/// <c>code</c>...). Text: time, level and msg first, the rest by name; JSON: every key by name.</summary>
public sealed class DaprLogFormatter(bool json, string appId, string version) : ITextFormatter
{
    private static readonly string Instance = Environment.MachineName;

    public void Format(LogEvent logEvent, TextWriter output)
    {
        var fields = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["app_id"] = appId,
            ["instance"] = Instance,
            ["scope"] = DaprScope.Of(logEvent),
            ["type"] = "log",
            ["ver"] = version,
        };
        foreach (var (name, value) in logEvent.Properties)
        {
            if (name is not (DaprScope.SourceContext or "time" or "level" or "msg") && !IsInMessage(logEvent, name))
            {
                fields[name] = Scalar(value);
            }
        }

        if (logEvent.Exception is { } exception)
        {
            fields["error"] = exception.Message;
        }

        var time = Time(logEvent.Timestamp);
        var level = Level(logEvent.Level);
        var msg = Message(logEvent);
        if (json)
        {
            fields["time"] = time;
            fields["level"] = level;
            fields["msg"] = msg;
            WriteJson(output, fields);
        }
        else
        {
            WriteText(output, time, level, msg, fields);
        }
    }

    /// <summary>logrus' level names: <c>warning</c>, not <c>warn</c>.</summary>
    public static string Level(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "info",
        LogEventLevel.Warning => "warning",
        LogEventLevel.Error => "error",
        _ => "fatal",
    };

    /// <summary>Go's RFC3339Nano: trailing zeros of the fraction dropped, <c>Z</c> for UTC.</summary>
    public static string Time(DateTimeOffset timestamp)
    {
        var text = timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        return text + (timestamp.Offset == TimeSpan.Zero ? "Z" : timestamp.ToString("zzz", CultureInfo.InvariantCulture));
    }

    /// <summary>The message with its values in place; strings as they are (Serilog's own rendering quotes them).</summary>
    private static string Message(LogEvent logEvent)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is Serilog.Parsing.PropertyToken property && logEvent.Properties.TryGetValue(property.PropertyName, out var value) && value is ScalarValue { Value: string s })
            {
                text.Write(s);
            }
            else
            {
                token.Render(logEvent.Properties, text, CultureInfo.InvariantCulture);
            }
        }

        return text.ToString();
    }

    private static bool IsInMessage(LogEvent logEvent, string property) =>
        logEvent.MessageTemplate.Tokens.OfType<Serilog.Parsing.PropertyToken>().Any(t => t.PropertyName == property);

    private static object Scalar(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: null } => "",
        ScalarValue { Value: string s } => s,
        ScalarValue { Value: bool b } => b,
        ScalarValue { Value: byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal } scalar => scalar.Value,
        ScalarValue scalar => Convert.ToString(scalar.Value, CultureInfo.InvariantCulture) ?? "",
        _ => value.ToString(),
    };

    private static void WriteText(TextWriter output, string time, string level, string msg, SortedDictionary<string, object> fields)
    {
        var line = new StringBuilder();
        line.Append("time=").Append(TextValue(time)).Append(" level=").Append(level).Append(" msg=").Append(TextValue(msg));
        foreach (var (key, value) in fields)
        {
            line.Append(' ').Append(key).Append('=').Append(TextValue(value is string s ? s : Number(value)));
        }

        output.Write(line.Append('\n').ToString());
    }

    /// <summary>logrus quotes a value (Go <c>%q</c>) unless every character is a letter, digit or one of <c>-._/@^+</c>.</summary>
    private static string TextValue(string value)
    {
        if (value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '/' or '@' or '^' or '+'))
        {
            return value;
        }

        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                < ' ' or '\u007f' => quoted.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }

    private static void WriteJson(TextWriter output, SortedDictionary<string, object> fields)
    {
        var line = new StringBuilder("{");
        foreach (var (key, value) in fields)
        {
            line.Append(line.Length > 1 ? "," : "");
            JsonString(line, key);
            line.Append(':');
            _ = value switch
            {
                string s => JsonString(line, s),
                bool b => line.Append(b ? "true" : "false"),
                _ => line.Append(Number(value)),
            };
        }

        output.Write(line.Append("}\n").ToString());
    }

    /// <summary>As Go's encoding/json writes a string: <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> escaped too.</summary>
    private static StringBuilder JsonString(StringBuilder line, string value)
    {
        line.Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => line.Append("\\\""),
                '\\' => line.Append("\\\\"),
                '\n' => line.Append("\\n"),
                '\r' => line.Append("\\r"),
                '\t' => line.Append("\\t"),
                < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029' => line.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => line.Append(c),
            };
        }

        return line.Append('"');
    }

    private static string Number(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
