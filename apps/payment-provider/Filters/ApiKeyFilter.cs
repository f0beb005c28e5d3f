using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Sidecart.PaymentProvider.Filters;

/// <summary>Accepts only calls with <c>Authorization: Bearer &lt;the configured API key&gt;</c>; 401 otherwise.</summary>
public sealed class ApiKeyFilter(IOptions<ProviderOptions> options) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith(Scheme, StringComparison.Ordinal) ? header[Scheme.Length..] : "";
        var expected = options.Value.ApiKey;
        if (expected.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
        {
            return next(context);
        }

        return ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid API key",
            detail: "Send a valid API key as 'Authorization: Bearer <key>'.", extensions: new Dictionary<string, object?> { ["code"] = "invalid_api_key" }));
    }
}
