using System.Text.Json;

namespace Sidecart.Events.Tests;

public sealed class JsonSchemaValidatorTests
{
    private static readonly JsonSchemaValidator StockReceived =
        JsonSchemaValidator.Load(Path.Combine(AppContext.BaseDirectory, "schemas", "stock-received.schema.json"));

    private static SchemaViolation? Check(JsonSchemaValidator validator, string json)
    {
        using var document = JsonDocument.Parse(json);
        return validator.Validate(document.RootElement, "data");
    }

    [Theory]
    [InlineData("""{"sku":"A","quantity":1,"receiptId":"r"}""")]
    [InlineData("""{"sku":"A","quantity":25.0,"receiptId":"r","extra":true}""")]
    public void A_valid_stock_receipt_passes(string json) => Assert.Null(Check(StockReceived, json));

    [Theory]
    [InlineData("""{"quantity":1,"receiptId":"r"}""", "data.sku: required field is missing")]
    [InlineData("""{"sku":"A","quantity":"1","receiptId":"r"}""", "data.quantity: expected integer, got string")]
    [InlineData("""{"sku":"A","quantity":1.5,"receiptId":"r"}""", "data.quantity: expected integer, got number")]
    [InlineData("""{"sku":"A","quantity":0,"receiptId":"r"}""", "data.quantity: 0 is less than the minimum 1")]
    [InlineData("""{"sku":"A","quantity":-3,"receiptId":"r"}""", "data.quantity: -3 is less than the minimum 1")]
    [InlineData("""{"sku":"","quantity":1,"receiptId":"r"}""", "data.sku: must be at least 1 characters long")]
    [InlineData("""[1]""", "data: expected object, got array")]
    public void An_invalid_stock_receipt_names_the_field_and_the_problem(string json, string expected) =>
        Assert.Equal(expected, Check(StockReceived, json)?.ToString());

    [Fact]
    public void The_other_keywords_the_event_schemas_use_are_checked()
    {
        var schema = JsonSchemaValidator.Parse("""
            {
              "type": "object",
              "properties": {
                "status": {"enum": ["Pending", "Shipped"]},
                "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "price": {"type": "number", "exclusiveMinimum": 0},
                "at": {"type": "string", "format": "date-time"},
                "reason": {"type": ["string", "null"]},
                "items": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["sku"]}}
              },
              "additionalProperties": false
            }
            """);

        Assert.Null(Check(schema, """{"status":"Shipped","currency":"EUR","price":1,"at":"2026-01-01T10:00:00.5+01:00","reason":null,"items":[{"sku":"A"}]}"""));
        Assert.Equal("data.status: \"Lost\" is not one of [\"Pending\", \"Shipped\"]", Check(schema, """{"status":"Lost"}""")?.ToString());
        Assert.Equal("data.currency: \"eur\" does not match ^[A-Z]{3}$", Check(schema, """{"currency":"eur"}""")?.ToString());
        Assert.Equal("data.price: 0 must be greater than 0", Check(schema, """{"price":0}""")?.ToString());
        Assert.Equal("data.at: \"yesterday\" is not an RFC 3339 date-time", Check(schema, """{"at":"yesterday"}""")?.ToString());
        Assert.Equal("data.reason: expected string or null, got integer", Check(schema, """{"reason":1}""")?.ToString());
        Assert.Equal("data.items: must have at least 1 item(s), got 0", Check(schema, """{"items":[]}""")?.ToString());
        Assert.Equal("data.items[1].sku: required field is missing", Check(schema, """{"items":[{"sku":"A"},{}]}""")?.ToString());
        Assert.Equal("data.other: unexpected field", Check(schema, """{"other":1}""")?.ToString());
    }

    [Fact]
    public void Every_schema_in_docs_loads_and_accepts_its_own_examples()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "schemas");
        var files = Directory.GetFiles(directory, "*.schema.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var validator = JsonSchemaValidator.Load(file);
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var example in document.RootElement.GetProperty("examples").EnumerateArray())
            {
                Assert.Null(validator.Validate(example));
            }
        }
    }

    [Fact]
    public void A_keyword_the_validator_cannot_check_is_refused_when_the_schema_is_loaded()
    {
        var error = Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaValidator.Parse("""{"type":"object","properties":{"a":{"maxLength":3}}}"""));
        Assert.Contains("$.a: unsupported keywords maxLength", error.Message, StringComparison.Ordinal);
    }
}
