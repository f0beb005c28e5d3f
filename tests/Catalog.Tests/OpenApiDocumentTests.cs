using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sidecart.Testing;

namespace Sidecart.Catalog.Tests;

/// <summary>
/// docs/openapi/catalog.json is the contract ordering's catalog client is generated from (by NSwag, when ordering
/// builds): it must stay what catalog serves at <c>/openapi/v1.json</c>, or ordering calls an API that is not there.
/// </summary>
public sealed class OpenApiDocumentTests
{
    /// <summary>Set to 1 (<c>make openapi</c> does), the drift test rewrites the committed document from what catalog serves.</summary>
    public const string UpdateVariable = "SIDECART_UPDATE_OPENAPI";

    private const string CommittedName = "docs/openapi/catalog.json";
    private const string ServedName = "catalog's /openapi/v1.json";

    private static readonly string CommittedPath = Path.Combine(SidecartSystem.RepositoryRoot, "docs", "openapi", "catalog.json");

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [Fact]
    public async Task Catalog_serves_the_committed_document()
    {
        JsonObject served;
        await using (var system = await CatalogSystem.StartAsync())
        {
            served = Contract(await system.App.GetStringAsync("/openapi/v1.json"));
        }

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(CommittedPath, served.ToJsonString(Indented) + "\n");
            return;
        }

        var differences = JsonDifferences.Between(JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath)), served, CommittedName, ServedName);
        Assert.True(differences.Count == 0, $"""
            {ServedName} differs from {CommittedName}, the document ordering's catalog client is generated from:
              {string.Join("\n  ", differences)}
            If catalog's API changed on purpose, refresh the committed copy with `make openapi` (runs this test with
            {UpdateVariable}=1, which rewrites {CommittedName} from what catalog serves), then build ordering and adapt
            apps/ordering/Services/CatalogClient.cs to the regenerated client if it no longer compiles.
            """);
    }

    [Fact]
    public async Task A_response_catalog_no_longer_declares_is_named()
    {
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath))!;
        var changed = committed.DeepClone();
        changed["paths"]!["/products/{sku}"]!["get"]!["responses"]!.AsObject().Remove("404");
        changed["components"]!["schemas"]!["Product"]!["properties"]!["price"]!["format"] = "double";

        var differences = JsonDifferences.Between(committed, changed, "committed", "served");

        Assert.Equal(
        [
            """$.paths['/products/{sku}'].get.responses['404']: only in committed: {"description":"","content":{"application/json":{"schema":{"$ref":"#/components/schemas/ProblemDetails"}}}}""",
            """$.components.schemas.Product.properties.price.format: "decimal" in committed, "double" in served""",
        ], differences);
    }

    [Fact]
    public void The_order_of_members_does_not_count_but_the_order_of_items_does()
    {
        Assert.Empty(JsonDifferences.Between(JsonNode.Parse("""{"a":1,"b":[1,2]}"""), JsonNode.Parse("""{ "b": [1, 2], "a": 1 }"""), "x", "y"));
        Assert.Equal(["$.b[0]: 1 in x, 2 in y", "$.b[1]: 2 in x, 1 in y"],
            JsonDifferences.Between(JsonNode.Parse("""{"b":[1,2]}"""), JsonNode.Parse("""{"b":[2,1]}"""), "x", "y"));
    }

    /// <summary>The document as catalog serves it, less what is not part of the contract: <c>servers</c> (NSwag fills
    /// it from the request's host) and <c>x-generator</c> (NSwag's version stamp).</summary>
    private static JsonObject Contract(string served)
    {
        var document = JsonNode.Parse(served)!.AsObject();
        document.Remove("servers");
        document.Remove("x-generator");
        return document;
    }
}
