using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Sidecart.PaymentProvider.Filters;
using Sidecart.PaymentProvider.Model;
using Sidecart.PaymentProvider.Services;

namespace Sidecart.PaymentProvider.Apis;

/// <summary>The provider's merchant API: authorizations and refunds, each idempotent by its <c>Idempotency-Key</c> header.</summary>
public static class ProviderApi
{
    public static IEndpointRouteBuilder MapProviderApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").WithTags("Provider")
            .AddEndpointFilter<SandboxBehaviourFilter>()
            .AddEndpointFilter<ApiKeyFilter>();
        v1.MapPost("/authorizations", Authorize).WithName("CreateAuthorization");
        v1.MapPost("/refunds", Refund).WithName("CreateRefund");
        return app;
    }

    public static Results<Ok<Authorization>, ProblemHttpResult> Authorize(
        [FromHeader(Name = SandboxBehaviourFilter.IdempotencyKeyHeader)] string? idempotencyKey, AuthorizationRequest request, Ledger ledger)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            return Problem(MissingIdempotencyKey);
        }

        if (string.IsNullOrEmpty(request.Reference) || string.IsNullOrEmpty(request.CustomerId) || request.Amount is not > 0m || string.IsNullOrEmpty(request.Currency))
        {
            return Problem(new ProviderError(StatusCodes.Status400BadRequest, "invalid_request", "reference, customerId, a positive amount and currency are required."));
        }

        var (authorization, error) = ledger.Authorize(idempotencyKey, request);
        return error is null ? TypedResults.Ok(authorization!) : Problem(error);
    }

    public static Results<Ok<Refund>, ProblemHttpResult> Refund(
        [FromHeader(Name = SandboxBehaviourFilter.IdempotencyKeyHeader)] string? idempotencyKey, RefundRequest request, Ledger ledger)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            return Problem(MissingIdempotencyKey);
        }

        if (string.IsNullOrEmpty(request.AuthorizationId))
        {
            return Problem(new ProviderError(StatusCodes.Status400BadRequest, "invalid_request", "authorizationId is required."));
        }

        var (refund, error) = ledger.Refund(idempotencyKey, request);
        return error is null ? TypedResults.Ok(refund!) : Problem(error);
    }

    private static readonly ProviderError MissingIdempotencyKey =
        new(StatusCodes.Status400BadRequest, "idempotency_key_missing", "Every call needs an Idempotency-Key header.");

    private static ProblemHttpResult Problem(ProviderError error) =>
        TypedResults.Problem(statusCode: error.StatusCode, detail: error.Detail, extensions: new Dictionary<string, object?> { ["code"] = error.Code });
}
