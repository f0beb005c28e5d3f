using Microsoft.AspNetCore.Http;

namespace LocalSidecar.Security;

/// <summary>Enforces DAPR_API_TOKEN: every API call must carry a matching <c>dapr-api-token</c> header, except
/// <c>GET</c> health checks. A mismatch is 401 with the plain-text body daprd sends. The header is removed
/// afterwards so it is never forwarded to an app.</summary>
public sealed class ApiTokenMiddleware(RequestDelegate next, string token)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var exempt = HttpMethods.IsGet(context.Request.Method)
            && (path.Equals("/v1.0/healthz", StringComparison.Ordinal) || path.Equals("/v1.0/healthz/outbound", StringComparison.Ordinal));
        if (!exempt)
        {
            if (!ApiToken.Matches(context.Request.Headers[ApiToken.Header].ToString(), token))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("invalid api token");
                return;
            }
        }

        context.Request.Headers.Remove(ApiToken.Header);
        await next(context);
    }
}
