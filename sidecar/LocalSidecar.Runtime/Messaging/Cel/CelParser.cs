namespace LocalSidecar.Messaging.Cel;

/// <summary>A recursive-descent parser for the CEL subset Dapr routing rules use, with CEL's precedence:
/// <c>||</c>, then <c>&amp;&amp;</c>, then comparisons and <c>in</c>, then unary <c>!</c>/<c>-</c>, then member
/// access, indexing and <c>has()</c>. The only variable is <c>event</c>.</summary>
internal sealed class CelParser
{
    private readonly string _expression;
    private readonly List<CelToken> _tokens;
    private int _next;

    private CelParser(string expression)
    {
        _expression = expression;
        _tokens = CelLexer.Tokenize(expression);
    }

    public static CelNode Parse(string expression)
    {
        var parser = new CelParser(expression);
        var node = parser.Or();
        if (parser.Peek.Kind != CelTokenKind.End)
        {
            throw parser.Unexpected(parser.Peek);
        }

        return node;
    }

    private CelToken Peek => _tokens[_next];

    private CelNode Or()
    {
        var left = And();
        while (Accept("||"))
        {
            left = new CelLogical(IsAnd: false, left, And());
        }

        return left;
    }

    private CelNode And()
    {
        var left = Relation();
        while (Accept("&&"))
        {
            left = new CelLogical(IsAnd: true, left, Relation());
        }

        return left;
    }

    private CelNode Relation()
    {
        var left = Unary();
        while (true)
        {
            var token = Peek;
            var op = token switch
            {
                { Kind: CelTokenKind.Operator, Text: "==" or "!=" or "<" or "<=" or ">" or ">=" } => token.Text,
                { Kind: CelTokenKind.Identifier, Text: "in" } => "in",
                _ => null,
            };
            if (op is null)
            {
                return left;
            }

            _next++;
            left = new CelComparison(op, left, Unary());
        }
    }

    private CelNode Unary()
    {
        if (Accept("!"))
        {
            return new CelNot(Unary());
        }

        return Accept("-") ? new CelNegate(Unary()) : Member();
    }

    private CelNode Member()
    {
        var node = Primary();
        while (true)
        {
            if (Accept("."))
            {
                var field = Take();
                node = field.Kind == CelTokenKind.Identifier ? new CelSelect(node, field.Text) : throw Unexpected(field);
            }
            else if (Accept("["))
            {
                var key = Or();
                Expect("]");
                node = new CelIndex(node, key);
            }
            else
            {
                return node;
            }
        }
    }

    private CelNode Primary()
    {
        var token = Take();
        switch (token.Kind)
        {
            case CelTokenKind.String:
            case CelTokenKind.Number:
                return new CelLiteral(token.Value);
            case CelTokenKind.Identifier:
                return Identifier(token);
            case CelTokenKind.Operator when token.Text == "(":
                var inner = Or();
                Expect(")");
                return inner;
            case CelTokenKind.Operator when token.Text == "[":
                return List();
            default:
                throw Unexpected(token);
        }
    }

    private CelNode Identifier(CelToken token)
    {
        switch (token.Text)
        {
            case "true":
                return new CelLiteral(true);
            case "false":
                return new CelLiteral(false);
            case "null":
                return new CelLiteral(null);
            case "event":
                return new CelEvent();
        }

        if (Peek.Is("("))
        {
            if (token.Text != "has")
            {
                throw new CelException($"unsupported function '{token.Text}' at position {token.Position} in \"{_expression}\" (supported: has)");
            }

            _next++;
            var argument = Or();
            Expect(")");
            return argument is CelSelect select
                ? new CelHas(select)
                : throw new CelException($"has() at position {token.Position} needs a field selection such as has(event.data.x)");
        }

        throw new CelException($"undeclared reference to '{token.Text}' at position {token.Position} in \"{_expression}\" (the only variable is 'event')");
    }

    private CelList List()
    {
        var items = new List<CelNode>();
        if (!Accept("]"))
        {
            do
            {
                items.Add(Or());
            }
            while (Accept(","));
            Expect("]");
        }

        return new CelList(items);
    }

    private CelToken Take() => _tokens[Math.Min(_next++, _tokens.Count - 1)];

    private bool Accept(string op)
    {
        if (!Peek.Is(op))
        {
            return false;
        }

        _next++;
        return true;
    }

    private void Expect(string op)
    {
        if (!Accept(op))
        {
            throw Unexpected(Peek);
        }
    }

    private CelException Unexpected(CelToken token) => token.Kind == CelTokenKind.End
        ? new CelException($"unexpected end of expression \"{_expression}\"")
        : new CelException($"unexpected '{token.Text}' at position {token.Position} in \"{_expression}\"");
}
