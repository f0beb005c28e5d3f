using LocalSidecar.Security.AccessControl;

namespace LocalSidecar.Tests.Security;

/// <summary>Dapr's operation trie, quirks included: the outcomes of dapr-security-k8s-facts.md §2.4 (which match
/// daprd's own unit tests).</summary>
public sealed class OperationTrieTests
{
    [Theory]
    [InlineData("/op1", "/op1", "/op1")]
    [InlineData("/op1", "/op1/foo", "/op1")]
    [InlineData("/op1", "/op1/foo/bar", "/op1")]
    [InlineData("/op1", "/op10", null)]
    [InlineData("/op1", "/op", null)]
    [InlineData("/op1/*", "/op1", "/op1/*")]
    [InlineData("/op1/*", "/op1/", "/op1/*")]
    [InlineData("/op1/*", "/op1/a", "/op1/*")]
    [InlineData("/op1/*", "/op1/a/b", null)]
    [InlineData("/op1/**", "/op1", "/op1/**")]
    [InlineData("/op1/**", "/op1/a", "/op1/**")]
    [InlineData("/op1/**", "/op1/a/b/c", "/op1/**")]
    [InlineData("/op1/*/a", "/op1/x/a", null)]
    [InlineData("/op1/**/a", "/op1/x/a", "/op1/**/a")]
    [InlineData("/op1/**/a", "/op1/x/y/a", null)]
    [InlineData("/op1/**/a", "/op1/a", null)]
    [InlineData("/op*", "/op1", "/op*")]
    [InlineData("/op*", "/op1/x", "/op*")]
    [InlineData("/a*d", "/abcd", "/a*d")]
    [InlineData("/a*d", "/abc", null)]
    public void One_rule_matches_as_daprd_matches(string rule, string operation, string? expected)
    {
        var trie = Trie(rule);
        Assert.Equal(expected, trie.Find(operation)?.Name);
    }

    [Fact]
    public void Sibling_order_decides_and_there_is_no_backtracking()
    {
        var specificFirst = Trie("/a/b", "/a/*");
        Assert.Equal("/a/*", specificFirst.Find("/a/c")?.Name);
        Assert.Equal("/a/b", specificFirst.Find("/a/b/c")?.Name);
        Assert.Equal("/a/*", Trie("/a/*", "/a/b").Find("/a/b")?.Name);
        Assert.Null(Trie("/a/b/c", "/a/*").Find("/a/b"));
    }

    [Theory]
    [InlineData("/op7/a/b/c", "/op7/a/b/*")]
    [InlineData("/op7/a/b/c/d", null)]
    [InlineData("/op7/a/b/c/f", "/op7/a/b/c/f")]
    [InlineData("/op7/a/bc", "/op7/a/b*")]
    [InlineData("/op7/c/d/e", "/op7/c/**")]
    public void The_upstream_rule_set_gives_the_upstream_answers(string operation, string? expected)
    {
        var trie = Trie("/op7/a/b/*", "/op7/a/b/c/f", "/op7/a/b*", "/op7/c/**");
        Assert.Equal(expected, trie.Find(operation)?.Name);
    }

    [Fact]
    public void The_first_rule_of_a_name_stays()
    {
        var trie = new OperationTrie();
        trie.Add("/x", new OperationRule("/x", new Dictionary<string, string>(), "allow"));
        trie.Add("/x", new OperationRule("/x", new Dictionary<string, string>(), "deny"));
        Assert.Equal("allow", trie.Find("/x")?.Action);
    }

    private static OperationTrie Trie(params string[] rules)
    {
        var trie = new OperationTrie();
        foreach (var rule in rules)
        {
            trie.Add(rule, new OperationRule(rule, new Dictionary<string, string>(), "allow"));
        }

        return trie;
    }
}
