using System.Text.Json.Nodes;

namespace LocalSidecar.Messaging.Cel;

/// <summary>A compiled routing-rule <c>match</c> expression: a subset of CEL (member access on <c>event</c>,
/// string/number/bool/null literals, list literals, comparisons, <c>in</c>, <c>&amp;&amp;</c> <c>||</c> <c>!</c>,
/// parentheses and <c>has()</c>). Anything else fails at <see cref="Compile"/> with the position.</summary>
public sealed class CelExpression
{
    private readonly CelNode _root;

    private CelExpression(string source, CelNode root)
    {
        Source = source;
        _root = root;
    }

    public string Source { get; }

    /// <exception cref="CelException">The expression is outside the supported subset, or can never be a bool.</exception>
    public static CelExpression Compile(string expression)
    {
        var root = CelParser.Parse(expression);
        if (root is CelLiteral { Value: not bool } or CelList or CelNegate)
        {
            throw new CelException($"\"{expression}\" does not evaluate to a bool");
        }

        return new CelExpression(expression, root);
    }

    /// <summary>Evaluates against a CloudEvent (the <c>event</c> variable).</summary>
    /// <exception cref="CelException">Evaluation failed (no such key, type mismatch) or the result is not a bool.</exception>
    public bool Matches(JsonObject cloudEvent) =>
        _root.Evaluate(cloudEvent) is bool result
            ? result
            : throw new CelException($"\"{Source}\" did not evaluate to a bool");
}
