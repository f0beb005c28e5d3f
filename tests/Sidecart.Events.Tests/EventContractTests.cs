using System.Text;
using Sidecart.Events.Tests.Support;

namespace Sidecart.Events.Tests;

public sealed class EventContractTests
{
    private static readonly EventContract<Order> Contract = new("orders", JsonSchemaValidator.Parse("""
        {
          "type": "object",
          "required": ["id", "total"],
          "properties": {
            "id": {"type": "string", "minLength": 1},
            "total": {"type": "number", "minimum": 0}
          }
        }
        """), TestJsonContext.Default.Order);

    private static TopicDelivery Deliver(string data) => TopicDelivery.FromCloudEvent(Encoding.UTF8.GetBytes($$"""{"id":"evt-1","data":{{data}}}"""));

    [Fact]
    public void An_event_that_keeps_the_contract_is_read_into_its_type()
    {
        Assert.True(Contract.TryRead(Deliver("""{"id":"o1","total":5.5}"""), out var order, out _));
        Assert.Equal(new Order("o1", 5.5m), order);
        Assert.Equal("orders", Contract.Topic);
    }

    [Theory]
    [InlineData("\"{\\\"id\\\": \"", "bad JSON: data is not a JSON document")]
    [InlineData("""{"total":5}""", "schema violation at data.id: required field is missing")]
    [InlineData("""{"id":"o1","total":"five"}""", "schema violation at data.total: expected number, got string")]
    [InlineData("""{"id":"o1","total":-1}""", "schema violation at data.total: -1 is less than the minimum 0")]
    [InlineData("""{"id":"o1","total":1e40}""", "unsupported value: ")]
    [InlineData("null", "schema violation at data: expected object, got null")]
    public void An_event_that_breaks_it_is_refused_with_a_reason_naming_the_field(string data, string reason)
    {
        Assert.False(Contract.TryRead(Deliver(data), out var order, out var actual));
        Assert.Null(order);
        Assert.StartsWith(reason, actual, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_the_middleware_unwrapped_is_checked_the_same_way()
    {
        var delivery = TopicDelivery.FromData(Encoding.UTF8.GetBytes("""{"id":"o1","total":-1}"""), "application/json", [KeyValuePair.Create("id", "evt-1")]);

        Assert.False(Contract.TryRead(delivery, out _, out var reason));
        Assert.Equal("schema violation at data.total: -1 is less than the minimum 0", reason);
    }
}
