using System.Globalization;
using System.Text;

namespace LocalSidecar.Messaging.Cel;

/// <summary>Splits a CEL expression into tokens: identifiers, string and number literals and the operators of the
/// supported subset. Anything else is reported with its position.</summary>
internal static class CelLexer
{
    private static readonly string[] Operators = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", ".", "[", "]", ",", "-"];

    public static List<CelToken> Tokenize(string expression)
    {
        var tokens = new List<CelToken>();
        var i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < expression.Length && (char.IsLetterOrDigit(expression[i]) || expression[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new CelToken(CelTokenKind.Identifier, expression[start..i], null, start));
            }
            else if (char.IsAsciiDigit(c))
            {
                tokens.Add(ReadNumber(expression, ref i));
            }
            else if (c is '"' or '\'')
            {
                tokens.Add(ReadString(expression, ref i));
            }
            else if (Operators.FirstOrDefault(op => string.CompareOrdinal(expression, i, op, 0, op.Length) == 0) is { } op)
            {
                tokens.Add(new CelToken(CelTokenKind.Operator, op, null, i));
                i += op.Length;
            }
            else
            {
                throw new CelException($"unsupported character '{c}' at position {i} in \"{expression}\"");
            }
        }

        tokens.Add(new CelToken(CelTokenKind.End, "", null, expression.Length));
        return tokens;
    }

    private static CelToken ReadNumber(string expression, ref int i)
    {
        var start = i;
        while (i < expression.Length && (char.IsAsciiDigit(expression[i]) || expression[i] is '.' or 'e' or 'E'
            || (expression[i] is '+' or '-' && expression[i - 1] is 'e' or 'E')))
        {
            i++;
        }

        var text = expression[start..i];
        if (i < expression.Length && expression[i] is 'u' or 'U')
        {
            i++;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? new CelToken(CelTokenKind.Number, text, value, start)
            : throw new CelException($"'{text}' at position {start} is not a number");
    }

    private static CelToken ReadString(string expression, ref int i)
    {
        var start = i;
        var quote = expression[i++];
        var text = new StringBuilder();
        while (i < expression.Length && expression[i] != quote)
        {
            if (expression[i] == '\\' && i + 1 < expression.Length)
            {
                text.Append(expression[i + 1] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    var other => other,
                });
                i += 2;
            }
            else
            {
                text.Append(expression[i++]);
            }
        }

        if (i >= expression.Length)
        {
            throw new CelException($"unterminated string starting at position {start}");
        }

        i++;
        return new CelToken(CelTokenKind.String, expression[start..i], text.ToString(), start);
    }
}
