using System.Text.Json.Nodes;
using LocalSidecar.Api.Universal;
using Microsoft.AspNetCore.Http;

namespace LocalSidecar.Api;

/// <summary>Dapr's error responses: <c>{"errorCode","message"}</c>, and the "rich" form that adds
/// google.rpc <c>details</c> (ErrorInfo with a reason, ResourceInfo, BadRequest).</summary>
public static class DaprError
{
    public static IResult Create(int status, string errorCode, string message) =>
        JsonResults.Node(new JsonObject { ["errorCode"] = errorCode, ["message"] = message }, statusCode: status);

    /// <summary>A rich error; <paramref name="reason"/> goes into an ErrorInfo detail and the resource into a ResourceInfo.</summary>
    public static IResult Rich(int status, string errorCode, string message, string reason, string? resourceType = null, string? resourceName = null, string? badField = null)
    {
        var details = new JsonArray(new JsonObject
        {
            ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
            ["reason"] = reason,
            ["domain"] = "dapr.io",
        });
        if (resourceType is not null)
        {
            details.Add((JsonNode)new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.ResourceInfo",
                ["resource_type"] = resourceType,
                ["resource_name"] = resourceName ?? "",
                ["owner"] = "",
                ["description"] = message,
            });
        }

        if (badField is not null)
        {
            details.Add((JsonNode)new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.BadRequest",
                ["field_violations"] = new JsonArray(new JsonObject { ["field"] = badField, ["description"] = message }),
            });
        }

        return JsonResults.Node(new JsonObject { ["errorCode"] = errorCode, ["message"] = message, ["details"] = details }, statusCode: status);
    }

    /// <summary>A catalog error as daprd writes it over HTTP: details in the order daprd adds them, ErrorInfo last.</summary>
    public static IResult From(DaprApiError error)
    {
        var body = new JsonObject { ["errorCode"] = error.ErrorCode, ["message"] = error.Message };
        if (error.Reason is not null && error.DetailsOverHttp)
        {
            var details = new JsonArray();
            if (error.BadField is not null)
            {
                details.Add((JsonNode)new JsonObject
                {
                    ["@type"] = "type.googleapis.com/google.rpc.BadRequest",
                    ["field_violations"] = new JsonArray(new JsonObject { ["field"] = error.BadField, ["description"] = error.Message }),
                });
            }

            if (error.Help is { } help)
            {
                details.Add((JsonNode)new JsonObject
                {
                    ["@type"] = "type.googleapis.com/google.rpc.Help",
                    ["links"] = new JsonArray(new JsonObject { ["description"] = help.Description, ["url"] = help.Url }),
                });
            }

            if (error.Resource is { } resource)
            {
                details.Add((JsonNode)new JsonObject
                {
                    ["@type"] = "type.googleapis.com/google.rpc.ResourceInfo",
                    ["resource_type"] = resource.Type,
                    ["resource_name"] = resource.Name,
                    ["owner"] = "",
                    ["description"] = resource.Description,
                });
            }

            var errorInfo = new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo", ["reason"] = error.Reason, ["domain"] = DaprApiError.Domain };
            if (error.ReasonMetadata is { Count: > 0 } metadata)
            {
                errorInfo["metadata"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
            }

            details.Add((JsonNode)errorInfo);
            body["details"] = details;
        }

        return JsonResults.Node(body, statusCode: error.HttpStatus);
    }

    /// <summary>Collects <c>metadata.&lt;key&gt;</c> query parameters (first value of each) into a dictionary, prefix stripped.</summary>
    public static Dictionary<string, string> QueryMetadata(HttpRequest request)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in request.Query)
        {
            if (key.StartsWith("metadata.", StringComparison.Ordinal) && values.Count > 0)
            {
                result[key["metadata.".Length..]] = values[0] ?? "";
            }
        }

        return result;
    }
}
