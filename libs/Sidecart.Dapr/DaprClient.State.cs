using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sidecart.Dapr.Serialization;

namespace Sidecart.Dapr;

// State management: /v1.0/state/{store}[/{key}|/bulk|/transaction] (https://docs.dapr.io/reference/api/state_api/).
public sealed partial class DaprClient
{
    public async Task<T?> GetStateAsync<T>(
        string storeName,
        string key,
        JsonTypeInfo<T> typeInfo,
        StateConsistency? consistency = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default) =>
        (await GetStateEntryAsync(storeName, key, typeInfo, consistency, metadata, cancellationToken)).Value;

    /// <summary>Gets a value with its ETag; a missing key gives an entry with a default value and no ETag.</summary>
    public async Task<StateEntry<T>> GetStateEntryAsync<T>(
        string storeName,
        string key,
        JsonTypeInfo<T> typeInfo,
        StateConsistency? consistency = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        var options = new StateOptions(Consistency: consistency);
        using var request = CreateRequest(HttpMethod.Get, StateKeyPath(storeName, key), metadata, [new("consistency", options.ConsistencyValue)]);
        using var response = await SendCheckedAsync(request, cancellationToken);
        var value = await ReadJsonAsync(response, typeInfo, cancellationToken);
        var etag = response.Headers.NonValidated.TryGetValues("ETag", out var etags) ? etags.ToString() : null;
        return new StateEntry<T>(key, value, string.IsNullOrEmpty(etag) ? null : etag, ReadResponseMetadata(response));
    }

    /// <summary>Saves one value; throws <see cref="DaprApiException"/> (409 <c>ERR_STATE_SAVE</c>) on a concurrency conflict.</summary>
    public Task SaveStateAsync<T>(
        string storeName,
        string key,
        T value,
        JsonTypeInfo<T> typeInfo,
        StateOptions? options = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default) =>
        SaveStateItemsAsync(storeName, [SaveStateItem.Create(key, value, typeInfo, options: options)], metadata, cancellationToken);

    /// <summary>
    /// Saves one value under optimistic concurrency: with <paramref name="etag"/> the write succeeds only if the
    /// stored ETag still matches; with no ETag and <see cref="StateConcurrency.FirstWrite"/> only if the key is new.
    /// Returns false when the sidecar reports the conflict (409).
    /// </summary>
    public async Task<bool> TrySaveStateAsync<T>(
        string storeName,
        string key,
        T value,
        JsonTypeInfo<T> typeInfo,
        string? etag,
        StateOptions? options = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            await SaveStateItemsAsync(storeName, [SaveStateItem.Create(key, value, typeInfo, etag, options: options ?? StateOptions.FirstWrite)], metadata, cancellationToken);
            return true;
        }
        catch (DaprApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>Saves several items in one call (not atomic unless the store makes it so; use a transaction for that).</summary>
    public Task SaveStateItemsAsync(
        string storeName,
        IEnumerable<SaveStateItem> items,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        var wire = items.Select(i => new StateItemWire(i.Key, i.Value, i.ETag, i.Metadata, ToWire(i.Options))).ToList();
        var request = CreateRequest(HttpMethod.Post, $"v1.0/state/{Escape(storeName)}", metadata, content: JsonBody(wire, DaprWireJsonContext.Default.ListStateItemWire));
        return SendAndForgetAsync(request, cancellationToken);
    }

    public Task DeleteStateAsync(
        string storeName,
        string key,
        string? etag = null,
        StateOptions? options = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        var request = CreateRequest(
            HttpMethod.Delete,
            StateKeyPath(storeName, key),
            metadata,
            [new("concurrency", options?.ConcurrencyValue), new("consistency", options?.ConsistencyValue)]);
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return SendAndForgetAsync(request, cancellationToken);
    }

    /// <summary>Deletes a key only if its ETag still matches; false when the sidecar reports the conflict (409).</summary>
    public async Task<bool> TryDeleteStateAsync(
        string storeName,
        string key,
        string etag,
        StateOptions? options = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            await DeleteStateAsync(storeName, key, etag, options ?? StateOptions.FirstWrite, metadata, cancellationToken);
            return true;
        }
        catch (DaprApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>Gets several keys in one call; the result follows the order of <paramref name="keys"/>.</summary>
    public async Task<IReadOnlyList<BulkStateItem<T>>> GetBulkStateAsync<T>(
        string storeName,
        IReadOnlyList<string> keys,
        JsonTypeInfo<T> typeInfo,
        int? parallelism = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        var body = JsonBody(new BulkGetRequestWire(keys, parallelism), DaprWireJsonContext.Default.BulkGetRequestWire);
        using var request = CreateRequest(HttpMethod.Post, $"v1.0/state/{Escape(storeName)}/bulk", metadata, content: body);
        using var response = await SendCheckedAsync(request, cancellationToken);
        var items = await ReadJsonAsync(response, DaprWireJsonContext.Default.ListBulkGetItemWire, cancellationToken) ?? [];
        return items.Select(i => new BulkStateItem<T>(
            i.Key,
            i.Data is { ValueKind: not JsonValueKind.Null } data ? data.Deserialize(typeInfo) : default,
            i.ETag,
            i.Metadata ?? [],
            i.Error)).ToList();
    }

    /// <summary>
    /// Runs upserts and deletes atomically. Any store error, an ETag mismatch included, comes back as
    /// 500 <c>ERR_STATE_TRANSACTION</c> (daprd does not map it to 409 here).
    /// </summary>
    public Task ExecuteStateTransactionAsync(
        string storeName,
        IEnumerable<StateTransactionOperation> operations,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        var wire = new StateTransactionWire(
            operations.Select(o => new TransactionOperationWire(
                OperationName(o.Operation),
                new StateItemWire(o.Key, o.Value, o.ETag, o.Metadata, ToWire(o.Options)))).ToList(),
            metadata);
        var request = CreateRequest(HttpMethod.Post, $"v1.0/state/{Escape(storeName)}/transaction", content: JsonBody(wire, DaprWireJsonContext.Default.StateTransactionWire));
        return SendAndForgetAsync(request, cancellationToken);
    }

    private static string StateKeyPath(string storeName, string key) => $"v1.0/state/{Escape(storeName)}/{Escape(key)}";

    private static string OperationName(StateOperationType operation) => operation switch
    {
        StateOperationType.Upsert => "upsert",
        StateOperationType.Delete => "delete",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    private static StateOptionsWire? ToWire(StateOptions? options) =>
        options is null || (options.Concurrency is null && options.Consistency is null)
            ? null
            : new StateOptionsWire(options.ConcurrencyValue, options.ConsistencyValue);
}
