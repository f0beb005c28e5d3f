using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Sidecart.Events;

public static class DeadLettersEndpointRouteBuilderExtensions
{
    /// <summary>Serves <c>GET /dead-letters</c>: the events this app could not apply, newest first, each with its reason
    /// and the event as it arrived.</summary>
    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dead-letters", ListDeadLetters)
            .WithTags("Dead letters")
            .WithName("ListDeadLetters")
            .Produces<IReadOnlyList<DeadLetter>>();
        return app;
    }

    // Written with the library's own JSON context, so apps need not register DeadLetter in theirs.
    private static async Task<JsonHttpResult<IReadOnlyList<DeadLetter>>> ListDeadLetters(DeadLetterStore deadLetters, CancellationToken cancellationToken) =>
        TypedResults.Json(await deadLetters.ListAsync(cancellationToken), EventsJsonContext.Default.IReadOnlyListDeadLetter);
}
