using Serilog.Events;

namespace LocalSidecar.Logging;

/// <summary>daprd's <c>scope</c> field from a logger's category: <c>dapr.*</c> categories are daprd's scopes already,
/// the sidecar's own become <c>dapr.runtime.&lt;area&gt;</c> (<c>LocalSidecar.Actors</c>, <c>LocalSidecar.Workflows.WorkflowEngine</c>:
/// <c>dapr.runtime.actors</c>, <c>dapr.runtime.workflows</c>), anything else <c>dapr.runtime</c>.</summary>
public static class DaprScope
{
    public const string SourceContext = "SourceContext";

    public static string Of(LogEvent logEvent)
    {
        var category = logEvent.Properties.TryGetValue(SourceContext, out var value) && value is ScalarValue { Value: string s } ? s : "";
        if (category.StartsWith("dapr.", StringComparison.Ordinal))
        {
            return category;
        }

        return category.Split('.') is ["LocalSidecar", var area, ..]
            ? "dapr.runtime." + area.ToLowerInvariant()
            : "dapr.runtime";
    }
}
