using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Sidecart.ServiceDefaults.Security;

/// <summary>
/// Accepts only calls that carry the sidecar's <c>dapr-api-token</c> (https://docs.dapr.io/operations/security/app-api-token/): when the sidecar has
/// <c>APP_API_TOKEN</c>, it adds that header to every call it makes into the app.
/// </summary>
public sealed class AppApiTokenMiddleware
{
    /// <summary>The token the sidecar is given (<c>APP_API_TOKEN</c>) and sends in every call into the app.</summary>
    public const string AppApiTokenVariable = "APP_API_TOKEN";

    public const string TokenHeader = "dapr-api-token";

    private readonly RequestDelegate _next;
    private readonly byte[] _expectedToken;
    private readonly PathString[] _exemptPaths;

    public AppApiTokenMiddleware(RequestDelegate next, AppApiTokenOptions options)
    {
        _next = next;
        _expectedToken = Encoding.UTF8.GetBytes(options.Token ?? string.Empty);
        _exemptPaths = options.ExemptPaths.Select(p => new PathString(p)).ToArray();
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (_exemptPaths.Any(p => context.Request.Path.StartsWithSegments(p)) || HasValidToken(context.Request))
        {
            return _next(context);
        }

        return RejectAsync(context);
    }

    private bool HasValidToken(HttpRequest request)
    {
        var presented = request.Headers[TokenHeader];
        return presented.Count == 1
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented.ToString()), _expectedToken);
    }

    private static async Task RejectAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Title = "Unauthorized",
            Detail = $"The request lacks a valid '{TokenHeader}' header.",
        };

        var problemDetails = context.RequestServices.GetService<IProblemDetailsService>();
        if (problemDetails is null || !await problemDetails.TryWriteAsync(new() { HttpContext = context, ProblemDetails = problem }))
        {
            await TypedResults.Problem(problem).ExecuteAsync(context);
        }
    }
}
