using Sidecart.PaymentProvider.Model;

namespace Sidecart.PaymentProvider.Services;

/// <summary>
/// The provider's books, in memory: authorizations, refunds and the answers given per idempotency key. A key seen
/// before gets the stored answer again (no second charge); the same key with a different request is refused, as
/// real providers do. One lock makes concurrent calls with one key see a single charge.
/// </summary>
public sealed class Ledger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (object Request, object Answer)> _answers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Authorization> _authorizations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Refund> _refundsByAuthorization = new(StringComparer.Ordinal);
    private readonly List<string?> _idempotencyKeys = [];
    private int _requests;
    private int _charges;
    private int _declines;
    private int _refunds;

    public void RecordRequest(string? idempotencyKey)
    {
        lock (_gate)
        {
            _requests++;
            _idempotencyKeys.Add(idempotencyKey);
        }
    }

    public (Authorization? Authorization, ProviderError? Error) Authorize(string idempotencyKey, AuthorizationRequest request)
    {
        lock (_gate)
        {
            if (Replay<Authorization>("authorize", idempotencyKey, request, out var replayed, out var error))
            {
                return (replayed, error);
            }

            var declineReason = DeclineRules.DeclineReason(request.CustomerId!, request.Amount!.Value);
            var authorization = new Authorization(
                $"auth_{Guid.NewGuid():N}", request.Reference!, request.CustomerId!, request.Amount.Value, request.Currency!,
                declineReason is null ? Authorization.Approved : Authorization.Declined, declineReason);
            _authorizations[authorization.Id] = authorization;
            if (declineReason is null)
            {
                _charges++;
            }
            else
            {
                _declines++;
            }

            _answers[$"authorize:{idempotencyKey}"] = (request, authorization);
            return (authorization, null);
        }
    }

    public (Refund? Refund, ProviderError? Error) Refund(string idempotencyKey, RefundRequest request)
    {
        lock (_gate)
        {
            if (Replay<Refund>("refund", idempotencyKey, request, out var replayed, out var error))
            {
                return (replayed, error);
            }

            if (!_authorizations.TryGetValue(request.AuthorizationId!, out var authorization))
            {
                return (null, new ProviderError(StatusCodes.Status404NotFound, "authorization_not_found", $"No authorization '{request.AuthorizationId}'."));
            }

            if (authorization.Status != Authorization.Approved)
            {
                return (null, new ProviderError(StatusCodes.Status409Conflict, "authorization_declined", "A declined authorization has nothing to refund."));
            }

            if (_refundsByAuthorization.ContainsKey(authorization.Id))
            {
                return (null, new ProviderError(StatusCodes.Status409Conflict, "already_refunded", $"Authorization '{authorization.Id}' was already refunded."));
            }

            var refund = new Refund($"re_{Guid.NewGuid():N}", authorization.Id, Model.Refund.Succeeded);
            _refundsByAuthorization[authorization.Id] = refund;
            _refunds++;
            _answers[$"refund:{idempotencyKey}"] = (request, refund);
            return (refund, null);
        }
    }

    /// <summary>Every authorization made (replays of an idempotency key are not new ones), in no particular order.</summary>
    public IReadOnlyList<LedgerEntry> Authorizations()
    {
        lock (_gate)
        {
            return [.. _authorizations.Values.Select(a => new LedgerEntry(a.Id, a.Reference, a.CustomerId, a.Amount, a.Currency, a.Status,
                _refundsByAuthorization.TryGetValue(a.Id, out var refund) ? refund.Id : null))];
        }
    }

    public ProviderStats Stats()
    {
        lock (_gate)
        {
            return new ProviderStats(_requests, _charges, _declines, _refunds, [.. _idempotencyKeys]);
        }
    }

    private bool Replay<T>(string operation, string idempotencyKey, object request, out T? answer, out ProviderError? error)
        where T : class
    {
        answer = null;
        error = null;
        if (!_answers.TryGetValue($"{operation}:{idempotencyKey}", out var stored))
        {
            return false;
        }

        if (stored.Request.Equals(request))
        {
            answer = (T)stored.Answer;
        }
        else
        {
            error = new ProviderError(StatusCodes.Status422UnprocessableEntity, "idempotency_key_reused",
                "This idempotency key was already used with a different request.");
        }

        return true;
    }
}
