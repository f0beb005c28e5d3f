using System.Globalization;

namespace LocalSidecar.Resiliency;

/// <summary>A circuit breaker's <c>trip</c> expression (CEL in daprd) over the breaker's counts: <c>requests</c>,
/// <c>totalSuccesses</c>, <c>totalFailures</c>, <c>consecutiveSuccesses</c>, <c>consecutiveFailures</c>. The local
/// sidecar reads comparisons of a count with a whole number joined by <c>&amp;&amp;</c>, <c>||</c> and parentheses
/// (<c>consecutiveFailures &gt; 5</c>); anything else is refused when the resource loads.</summary>
public sealed class TripExpression
{
    private static readonly string[] Counts = ["requests", "totalSuccesses", "totalFailures", "consecutiveSuccesses", "consecutiveFailures"];
    private static readonly string[] Operators = [">=", "<=", "==", "!=", ">", "<"];

    private readonly Func<BreakerCounts, bool> _evaluate;

    private TripExpression(string source, Func<BreakerCounts, bool> evaluate)
    {
        Source = source;
        _evaluate = evaluate;
    }

    public string Source { get; }

    /// <summary>gobreaker's default when no <c>trip</c> is given: more than 5 failures in a row.</summary>
    public static TripExpression Default { get; } = new("consecutiveFailures > 5", c => c.ConsecutiveFailures > 5);

    public bool ShouldTrip(BreakerCounts counts) => _evaluate(counts);

    /// <exception cref="FormatException">The expression is not of the supported form.</exception>
    public static TripExpression Parse(string source)
    {
        var parser = new Parser(source);
        var evaluate = parser.Or();
        parser.End();
        return new TripExpression(source, evaluate);
    }

    private sealed class Parser(string source)
    {
        private int _at;

        public Func<BreakerCounts, bool> Or()
        {
            var left = And();
            while (Take("||"))
            {
                var (l, r) = (left, And());
                left = c => l(c) || r(c);
            }

            return left;
        }

        public void End()
        {
            Skip();
            if (_at < source.Length)
            {
                throw Error($"unexpected '{source[_at..]}'");
            }
        }

        private Func<BreakerCounts, bool> And()
        {
            var left = Comparison();
            while (Take("&&"))
            {
                var (l, r) = (left, Comparison());
                left = c => l(c) && r(c);
            }

            return left;
        }

        private Func<BreakerCounts, bool> Comparison()
        {
            if (Take("("))
            {
                var inner = Or();
                return Take(")") ? inner : throw Error("')' expected");
            }

            var name = Word(char.IsAsciiLetter);
            var count = Array.IndexOf(Counts, name) is var index and >= 0 ? index : throw Error($"'{name}' is not one of {string.Join(", ", Counts)}");
            var op = Operators.FirstOrDefault(Take) ?? throw Error("a comparison (>, >=, <, <=, ==, !=) expected");
            var number = Word(char.IsAsciiDigit);
            var value = long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw Error($"'{number}' is not a whole number");
            return c =>
            {
                var actual = c.Get(count);
                return op switch
                {
                    ">=" => actual >= value,
                    "<=" => actual <= value,
                    "==" => actual == value,
                    "!=" => actual != value,
                    ">" => actual > value,
                    _ => actual < value,
                };
            };
        }

        private string Word(Func<char, bool> accepts)
        {
            Skip();
            var start = _at;
            while (_at < source.Length && accepts(source[_at]))
            {
                _at++;
            }

            return _at > start ? source[start.._at] : throw Error("a count or a number expected");
        }

        private bool Take(string text)
        {
            Skip();
            if (string.CompareOrdinal(source, _at, text, 0, text.Length) != 0)
            {
                return false;
            }

            _at += text.Length;
            return true;
        }

        private void Skip()
        {
            while (_at < source.Length && char.IsWhiteSpace(source[_at]))
            {
                _at++;
            }
        }

        private FormatException Error(string detail) => new($"trip \"{source}\" at {_at + 1}: {detail}");
    }
}

/// <summary>gobreaker's counts of the current generation.</summary>
public readonly record struct BreakerCounts(long Requests, long TotalSuccesses, long TotalFailures, long ConsecutiveSuccesses, long ConsecutiveFailures)
{
    public long Get(int index) => index switch
    {
        0 => Requests,
        1 => TotalSuccesses,
        2 => TotalFailures,
        3 => ConsecutiveSuccesses,
        _ => ConsecutiveFailures,
    };
}
