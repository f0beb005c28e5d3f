namespace LocalSidecar.Messaging.Cel;

internal enum CelTokenKind
{
    Identifier,
    String,
    Number,
    Operator,
    End,
}

/// <summary>A lexical token; <see cref="Position"/> is its 0-based offset in the expression, for error messages.</summary>
internal sealed record CelToken(CelTokenKind Kind, string Text, object? Value, int Position)
{
    public bool Is(string op) => Kind == CelTokenKind.Operator && Text == op;
}
