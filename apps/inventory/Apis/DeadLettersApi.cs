using Microsoft.AspNetCore.Http.HttpResults;
using Sidecart.Dapr.AspNetCore.DeadLetters;

namespace Sidecart.Inventory.Apis;

public static class DeadLettersApi
{
    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dead-letters", ListDeadLetters).WithTags("Dead letters").WithName("ListDeadLetters");
        return app;
    }

    /// <summary>Events that could not be applied, newest first.</summary>
    public static async Task<Ok<IReadOnlyList<DeadLetter>>> ListDeadLetters(DeadLetterStore deadLetters, CancellationToken cancellationToken) =>
        TypedResults.Ok(await deadLetters.ListAsync(cancellationToken));
}
