using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sidecart.ServiceDefaults.Security;

namespace Microsoft.AspNetCore.Builder;

public static class AppApiTokenApplicationBuilderExtensions
{
    /// <summary>
    /// Rejects requests without the matching <c>dapr-api-token</c> header with 401 ProblemDetails when
    /// <c>APP_API_TOKEN</c> is configured; does nothing otherwise. Place it early, before the endpoints.
    /// </summary>
    public static IApplicationBuilder UseAppApiToken(this IApplicationBuilder app, Action<AppApiTokenOptions>? configure = null)
    {
        var options = new AppApiTokenOptions
        {
            Token = app.ApplicationServices.GetService<IConfiguration>()?[AppApiTokenMiddleware.AppApiTokenVariable],
        };
        configure?.Invoke(options);

        return string.IsNullOrEmpty(options.Token) ? app : app.UseMiddleware<AppApiTokenMiddleware>(options);
    }
}
