namespace LocalSidecar.Security.AccessControl;

/// <summary>Dapr's operation trie, quirks included (facts §2.4): segments of <c>/</c>-separated names, children tried
/// in the order the rules were written with no backtracking; <c>/*</c> matches only a last segment, <c>/**</c> any
/// one segment, other <c>*</c>s are globs within a segment; a rule reached before the last segment wins at once
/// (rules are prefixes at segment boundaries) unless its segment is <c>/*</c>; a last segment on a node without a
/// rule accepts that node's <c>/*</c> child. Never a generic glob matcher.</summary>
public sealed class OperationTrie
{
    private const string SingleStage = "/*";
    private const string MultiStage = "/**";

    private readonly Node _root = new("/");

    /// <summary>Adds a rule under <paramref name="operation"/> (starting with <c>/</c>); the first rule of a name stays.</summary>
    public void Add(string operation, OperationRule rule)
    {
        var parts = operation.Split('/');
        var node = _root;
        for (var i = 1; i < parts.Length; i++)
        {
            var segment = "/" + parts[i];
            var isLast = i == parts.Length - 1;
            var existing = node.Children.FirstOrDefault(c => c.Segment == segment);
            if (existing is null)
            {
                existing = new Node(segment) { Rule = isLast ? rule : null };
                node.Children.Add(existing);
            }
            else if (isLast)
            {
                existing.Rule ??= rule;
            }

            node = existing;
        }
    }

    /// <summary>The rule that governs <paramref name="operation"/> (starting with <c>/</c>), or null.</summary>
    public OperationRule? Find(string operation)
    {
        var parts = operation.Split('/');
        var node = _root;
        for (var i = 1; i < parts.Length; i++)
        {
            var isLast = i == parts.Length - 1;
            node = Child(node, "/" + parts[i], isLast);
            if (node is null)
            {
                return null;
            }

            if (node.Rule is not null)
            {
                if (!isLast && node.Segment.EndsWith(SingleStage, StringComparison.Ordinal) && !node.Segment.EndsWith(MultiStage, StringComparison.Ordinal))
                {
                    continue;
                }

                return node.Rule;
            }

            if (isLast)
            {
                return Child(node, SingleStage, isLast: true) is { Rule: { } wildcard } ? wildcard : null;
            }
        }

        return null;
    }

    private static Node? Child(Node node, string segment, bool isLast)
    {
        foreach (var child in node.Children)
        {
            if (child.Segment == segment)
            {
                return child;
            }

            if (child.Segment == SingleStage)
            {
                if (isLast)
                {
                    return child;
                }

                continue;
            }

            if (child.Segment == MultiStage || Glob(segment, child.Segment))
            {
                return child;
            }
        }

        return null;
    }

    /// <summary>Whole-string match where each <c>*</c> in <paramref name="pattern"/> stands for any run of characters.</summary>
    private static bool Glob(string text, string pattern)
    {
        var matches = new bool[text.Length + 1, pattern.Length + 1];
        matches[0, 0] = true;
        for (var j = 1; j <= pattern.Length && pattern[j - 1] == '*'; j++)
        {
            matches[0, j] = true;
        }

        for (var i = 1; i <= text.Length; i++)
        {
            for (var j = 1; j <= pattern.Length; j++)
            {
                matches[i, j] = pattern[j - 1] == '*'
                    ? matches[i, j - 1] || matches[i - 1, j]
                    : text[i - 1] == pattern[j - 1] && matches[i - 1, j - 1];
            }
        }

        return matches[text.Length, pattern.Length];
    }

    private sealed class Node(string segment)
    {
        public string Segment { get; } = segment;

        public OperationRule? Rule { get; set; }

        public List<Node> Children { get; } = [];
    }
}
