using Microsoft.AspNetCore.Http.HttpResults;
using Sidecart.PaymentProvider.Model;
using Sidecart.PaymentProvider.Services;

namespace Sidecart.PaymentProvider.Apis;

/// <summary>The sandbox's controls, for tests and demos: latency and outage switches, and what the provider has seen
/// (its counters, and its books: every authorization with its refund, so an operator can reconcile charges).</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("Sandbox");
        admin.MapGet("/behaviour", (BehaviourSwitch behaviour) => TypedResults.Ok(behaviour.Current)).WithName("GetBehaviour");
        admin.MapPost("/behaviour", ChangeBehaviour).WithName("ChangeBehaviour");
        admin.MapGet("/stats", (Ledger ledger) => TypedResults.Ok(ledger.Stats())).WithName("GetStats");
        admin.MapGet("/authorizations", (Ledger ledger) => TypedResults.Ok(ledger.Authorizations())).WithName("ListAuthorizations");
        return app;
    }

    public static Results<Ok<Behaviour>, ValidationProblem> ChangeBehaviour(BehaviourChange change, BehaviourSwitch behaviour)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (change.LatencyMs is < 0)
        {
            errors["latencyMs"] = ["The latency cannot be negative."];
        }

        if (change.SlowRequests is < 0)
        {
            errors["slowRequests"] = ["The number of slow requests cannot be negative."];
        }

        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(behaviour.Change(change));
    }
}
