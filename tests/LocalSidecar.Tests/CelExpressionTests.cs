using System.Text.Json.Nodes;
using LocalSidecar.Messaging.Cel;

namespace LocalSidecar.Tests;

public sealed class CelExpressionTests
{
    private static readonly JsonObject Event = JsonNode.Parse("""
        {"type":"widget","source":"orders","data":{"size":12,"price":9.5,"color":"red","tags":["a","b"],"ok":true,"none":null,"nested":{"deep":"x"}}}
        """)!.AsObject();

    [Theory]
    [InlineData("event.type == \"widget\"", true)]
    [InlineData("event.type == 'widget'", true)]
    [InlineData("event.type != \"widget\"", false)]
    [InlineData("event.data.size > 10", true)]
    [InlineData("event.data.size >= 12", true)]
    [InlineData("event.data.size < 12", false)]
    [InlineData("event.data.size <= 12.0", true)]
    [InlineData("event.data.price == 9.5", true)]
    [InlineData("event.data.size == -12", false)]
    [InlineData("event.data.ok", true)]
    [InlineData("!event.data.ok", false)]
    [InlineData("event.data.none == null", true)]
    [InlineData("event.data.nested.deep == \"x\"", true)]
    [InlineData("event.data[\"color\"] == \"red\"", true)]
    [InlineData("event.data.tags[1] == \"b\"", true)]
    [InlineData("event.type == \"widget\" && event.data.size > 100", false)]
    [InlineData("event.type == \"gadget\" || event.data.size > 10", true)]
    [InlineData("!(event.type == \"gadget\") && (event.source == \"orders\" || false)", true)]
    [InlineData("true || false && false", true)]
    [InlineData("(true || false) && false", false)]
    [InlineData("event.data.color in [\"red\", \"blue\"]", true)]
    [InlineData("\"a\" in event.data.tags", true)]
    [InlineData("\"color\" in event.data", true)]
    [InlineData("has(event.data.color)", true)]
    [InlineData("has(event.data.missing)", false)]
    [InlineData("event.type == 1", false)]
    [InlineData("\"abc\" < \"abd\"", true)]
    public void Evaluates_the_supported_subset(string expression, bool expected)
    {
        Assert.Equal(expected, CelExpression.Compile(expression).Matches(Event));
    }

    [Theory]
    [InlineData("event.missing == \"x\" && false", false)]
    [InlineData("false && event.missing == \"x\"", false)]
    [InlineData("event.missing == \"x\" || true", true)]
    public void A_decisive_operand_absorbs_an_error_on_the_other_side(string expression, bool expected)
    {
        Assert.Equal(expected, CelExpression.Compile(expression).Matches(Event));
    }

    [Theory]
    [InlineData("event.missing == \"x\"")]
    [InlineData("event.type.inner == \"x\"")]
    [InlineData("event.type > 1")]
    [InlineData("event.type")]
    [InlineData("event.data.size")]
    [InlineData("!event.type")]
    public void Evaluation_errors_and_non_bool_results_throw(string expression)
    {
        var compiled = CelExpression.Compile(expression);
        Assert.Throws<CelException>(() => compiled.Matches(Event));
    }

    [Theory]
    [InlineData("event.type ~ \"x\"")]
    [InlineData("event.type == ")]
    [InlineData("size(event.data) > 1")]
    [InlineData("other.type == \"x\"")]
    [InlineData("event.type == \"unterminated")]
    [InlineData("event.data.size + 1 > 2")]
    [InlineData("event.type ? true : false")]
    [InlineData("(event.type == \"x\"")]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    public void Unsupported_syntax_fails_at_compile(string expression)
    {
        var error = Assert.Throws<CelException>(() => CelExpression.Compile(expression));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }
}
