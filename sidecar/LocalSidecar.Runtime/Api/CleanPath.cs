using Microsoft.AspNetCore.Builder;

namespace LocalSidecar.Api;

/// <summary>
/// daprd routes every HTTP request on its cleaned path (Go's <c>path.Clean</c>): repeated slashes collapse, <c>.</c> and
/// <c>..</c> segments resolve (never above the root), and a trailing slash goes. SDKs rely on it: the .NET actor proxy's
/// default endpoint ends with a slash, so its calls arrive as <c>//v1.0/actors/...</c>.
/// </summary>
public static class CleanPath
{
    public static IApplicationBuilder UseCleanPath(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.Request.Path.Value is { Length: > 0 } path && Clean(path) is var cleaned && cleaned != path)
        {
            http.Request.Path = cleaned;
        }

        return next(http);
    });

    public static string Clean(string path)
    {
        var kept = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    break;
                case "..":
                    if (kept.Count > 0)
                    {
                        kept.RemoveAt(kept.Count - 1);
                    }

                    break;
                default:
                    kept.Add(segment);
                    break;
            }
        }

        return "/" + string.Join('/', kept);
    }
}
