using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalSidecar.Messaging.Cel;

/// <summary>A node of a parsed routing expression. Values are CEL's dynamic values over JSON: null, bool, double,
/// string, <see cref="JsonObject"/> (map) and <see cref="JsonArray"/> or a list literal (list).</summary>
internal abstract record CelNode
{
    public abstract object? Evaluate(JsonObject cloudEvent);

    /// <summary>A JSON value as a CEL value (numbers become doubles).</summary>
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject map => map,
        JsonArray list => list,
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.GetValue<double>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => null,
    };

    public static string TypeName(object? value) => value switch
    {
        null => "null",
        bool => "bool",
        double => "number",
        string => "string",
        JsonObject => "map",
        _ => "list",
    };
}

internal sealed record CelLiteral(object? Value) : CelNode
{
    public override object? Evaluate(JsonObject cloudEvent) => Value;
}

/// <summary>The <c>event</c> variable: the CloudEvent being routed.</summary>
internal sealed record CelEvent : CelNode
{
    public override object? Evaluate(JsonObject cloudEvent) => cloudEvent;
}

internal sealed record CelList(IReadOnlyList<CelNode> Items) : CelNode
{
    public override object? Evaluate(JsonObject cloudEvent) => Items.Select(i => i.Evaluate(cloudEvent)).ToList();
}

/// <summary><c>target.field</c>; a missing key is an error, as in CEL (guard with <c>has(target.field)</c>).</summary>
internal sealed record CelSelect(CelNode Target, string Field) : CelNode
{
    public override object? Evaluate(JsonObject cloudEvent) =>
        Target.Evaluate(cloudEvent) is JsonObject map
            ? map.TryGetPropertyValue(Field, out var value) ? FromJson(value) : throw new CelException($"no such key: {Field}")
            : throw new CelException($"cannot select field '{Field}' from a non-map value");
}

/// <summary><c>has(target.field)</c>: whether the map has the key.</summary>
internal sealed record CelHas(CelSelect Select) : CelNode
{
    public override object? Evaluate(JsonObject cloudEvent) =>
        Select.Target.Evaluate(cloudEvent) is JsonObject map
            ? map.ContainsKey(Select.Field)
            : throw new CelException($"has() needs a map to test for '{Select.Field}'");
}

/// <summary><c>target[key]</c> for maps (string key) and lists (integer index).</summary>
internal sealed record CelIndex(CelNode Target, CelNode Key) : CelNode
{
    public override object? Evaluate(JsonObject cloudEvent)
    {
        var target = Target.Evaluate(cloudEvent);
        var key = Key.Evaluate(cloudEvent);
        return (target, key) switch
        {
            (JsonObject map, string name) => map.TryGetPropertyValue(name, out var value) ? FromJson(value) : throw new CelException($"no such key: {name}"),
            (JsonArray list, double index) when index == Math.Floor(index) && index >= 0 && index < list.Count => FromJson(list[(int)index]),
            (List<object?> list, double index) when index == Math.Floor(index) && index >= 0 && index < list.Count => list[(int)index],
            _ => throw new CelException($"cannot index a {TypeName(target)} with a {TypeName(key)}"),
        };
    }
}

internal sealed record CelNot(CelNode Operand) : CelNode
{
    public override object? Evaluate(JsonObject cloudEvent) =>
        Operand.Evaluate(cloudEvent) is bool b ? !b : throw new CelException("'!' needs a bool");
}

internal sealed record CelNegate(CelNode Operand) : CelNode
{
    public override object? Evaluate(JsonObject cloudEvent) =>
        Operand.Evaluate(cloudEvent) is double d ? -d : throw new CelException("'-' needs a number");
}

/// <summary><c>&amp;&amp;</c> and <c>||</c> with CEL's commutative error handling: a decisive operand wins even
/// when the other one is an error (<c>false &amp;&amp; error</c> and <c>error &amp;&amp; false</c> are false).</summary>
internal sealed record CelLogical(bool IsAnd, CelNode Left, CelNode Right) : CelNode
{
    public override object? Evaluate(JsonObject cloudEvent)
    {
        var decisive = !IsAnd;
        var left = Operand(Left, cloudEvent, out var leftError);
        if (left == decisive)
        {
            return decisive;
        }

        var right = Operand(Right, cloudEvent, out var rightError);
        if (right == decisive)
        {
            return decisive;
        }

        if ((leftError ?? rightError) is { } error)
        {
            throw error;
        }

        return !decisive;
    }

    private static bool? Operand(CelNode node, JsonObject cloudEvent, out CelException? error)
    {
        error = null;
        try
        {
            return node.Evaluate(cloudEvent) is bool b ? b : throw new CelException("'&&' and '||' need bool operands");
        }
        catch (CelException e)
        {
            error = e;
            return null;
        }
    }
}

/// <summary>Comparisons and <c>in</c>. Equality across types is false (heterogeneous equality); ordering needs two
/// numbers, two strings or two bools.</summary>
internal sealed record CelComparison(string Operator, CelNode Left, CelNode Right) : CelNode
{
    public override object? Evaluate(JsonObject cloudEvent)
    {
        var left = Left.Evaluate(cloudEvent);
        var right = Right.Evaluate(cloudEvent);
        return Operator switch
        {
            "==" => AreEqual(left, right),
            "!=" => !AreEqual(left, right),
            "in" => Contains(right, left),
            _ => Order(left, right) switch
            {
                var c when Operator == "<" => c < 0,
                var c when Operator == "<=" => c <= 0,
                var c when Operator == ">" => c > 0,
                var c => c >= 0,
            },
        };
    }

    private static bool AreEqual(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (double x, double y) => x == y,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (bool x, bool y) => x == y,
        (JsonNode x, JsonNode y) => JsonNode.DeepEquals(x, y),
        (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => AreEqual(p.First, p.Second)),
        _ => false,
    };

    private static bool Contains(object? container, object? item) => container switch
    {
        JsonObject map => item is string key ? map.ContainsKey(key) : throw new CelException("'in' a map needs a string key"),
        JsonArray list => list.Any(element => AreEqual(FromJson(element), item)),
        List<object?> list => list.Any(element => AreEqual(element, item)),
        _ => throw new CelException($"'in' needs a list or a map, not a {TypeName(container)}"),
    };

    private int Order(object? a, object? b) => (a, b) switch
    {
        (double x, double y) => x.CompareTo(y),
        (string x, string y) => string.CompareOrdinal(x, y),
        (bool x, bool y) => x.CompareTo(y),
        _ => throw new CelException($"no such overload: {TypeName(a)} {Operator} {TypeName(b)}"),
    };
}
