using LocalSidecar.Components.State;
using LocalSidecar.Hosting;

namespace LocalSidecar.Api.Universal;

/// <summary>The state API's semantics, shared by the HTTP and gRPC front ends: store lookup, key prefixing, options,
/// ETag rules and the errors daprd reports (https://docs.dapr.io/reference/api/state_api/). Keys are prefixed here
/// (<see cref="StateKeys"/>), so stores only ever see stored keys. Failures are thrown as <see cref="DaprApiException"/>.</summary>
public sealed class StateOperations(SidecarContext context)
{
    private const int DefaultBulkParallelism = 10;

    /// <param name="appIdInErrors">daprd's HTTP handlers name the app in lookup errors; its gRPC handlers do not.</param>
    public IStateStore Find(string store, bool appIdInErrors)
    {
        if (context.Components.TryGet<IStateStore>(store, out var stateStore))
        {
            return stateStore;
        }

        var appId = appIdInErrors ? context.AppId : null;
        throw (context.Components.OfType<IStateStore>().Any()
            ? DaprErrors.StateStoreNotFound(store, appId)
            : DaprErrors.StateStoreNotConfigured(store, appId)).ToException();
    }

    /// <summary>daprd's <c>dapr_component_state_count</c> and <c>_latencies</c>.</summary>
    private void Record(string store, string operation, bool success, long started) =>
        context.Telemetry.Metrics.State(store, operation, success, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);

    public async Task<StateItem?> GetAsync(string store, string key, IReadOnlyDictionary<string, string> metadata, bool appIdInErrors, CancellationToken cancellationToken)
    {
        var stateStore = Find(store, appIdInErrors);
        var storeKey = StoreKey(stateStore, store, key);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            var item = await stateStore.GetAsync(storeKey, metadata, cancellationToken);
            ok = true;
            return item;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw DaprErrors.StateGet(key, store, e.Message).ToException();
        }
        finally
        {
            Record(store, "get", ok, started);
        }
    }

    /// <summary>Every key is read even when some fail: a failing key reports its error in its own result.</summary>
    public async Task<IReadOnlyList<BulkStateResult>> BulkGetAsync(string store, IReadOnlyList<string> keys, int parallelism, IReadOnlyDictionary<string, string> metadata, bool appIdInErrors, CancellationToken cancellationToken)
    {
        var stateStore = Find(store, appIdInErrors);
        var storeKeys = keys.Select(key => StoreKey(stateStore, store, key)).ToList();
        var results = new BulkStateResult[storeKeys.Count];
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = parallelism > 0 ? parallelism : DefaultBulkParallelism,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, storeKeys.Count), options, async (i, token) =>
        {
            var appKey = StateKeys.ToAppKey(storeKeys[i]);
            try
            {
                results[i] = new BulkStateResult(appKey, await stateStore.GetAsync(storeKeys[i], metadata, token), null);
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                results[i] = new BulkStateResult(appKey, null, e.Message);
            }
        });
        return results;
    }

    /// <summary>Saves the items in order and stops at the first failure, as one set (one item) or a bulk set does.</summary>
    public async Task SaveAsync(string store, IReadOnlyList<StateItemRequest> items, bool appIdInErrors, CancellationToken cancellationToken)
    {
        var stateStore = Find(store, appIdInErrors);
        var upserts = new List<StateUpsert>(items.Count);
        foreach (var item in items)
        {
            if (item.Key.Length == 0)
            {
                throw DaprErrors.StateKeyEmpty().ToException();
            }

            var key = StoreKey(stateStore, store, item.Key);
            var concurrency = Options(item, problem => DaprErrors.StateSave(store, StateFailure.Internal, problem));
            upserts.Add(new StateUpsert(key, item.Value, item.ETag, item.Metadata, concurrency) { IsBinary = item.IsBinary, ConcurrencyRequested = Requested(item), StrongConsistency = Strong(item) });
        }

        foreach (var upsert in upserts)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var ok = false;
            try
            {
                await stateStore.SetAsync(upsert, cancellationToken);
                ok = true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                throw DaprErrors.StateSave(store, StateFailure.Of(e), e.Message).ToException();
            }
            finally
            {
                Record(store, "set", ok, started);
            }
        }
    }

    public async Task DeleteAsync(string store, StateItemRequest item, bool appIdInErrors, CancellationToken cancellationToken)
    {
        var stateStore = Find(store, appIdInErrors);
        var delete = Delete(stateStore, store, item, problem => DaprErrors.StateDelete(item.Key, StateFailure.Internal, problem));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            await stateStore.DeleteAsync(delete, cancellationToken);
            ok = true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw DaprErrors.StateDelete(item.Key, StateFailure.Of(e), e.Message).ToException();
        }
        finally
        {
            Record(store, "delete", ok, started);
        }
    }

    public async Task BulkDeleteAsync(string store, IReadOnlyList<StateItemRequest> items, CancellationToken cancellationToken)
    {
        var stateStore = Find(store, appIdInErrors: false);
        var deletes = items.Select(item => Delete(stateStore, store, item, problem => DaprErrors.StateBulkDelete(store, StateFailure.Internal, problem))).ToList();
        foreach (var delete in deletes)
        {
            try
            {
                await stateStore.DeleteAsync(delete, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                throw DaprErrors.StateBulkDelete(store, StateFailure.Of(e), e.Message).ToException();
            }
        }
    }

    /// <summary>Unlike save and delete, a transaction reports every store failure, ETag mismatches included, as an
    /// internal error.</summary>
    public async Task TransactAsync(string store, IReadOnlyList<StateOperationRequest> operations, IReadOnlyDictionary<string, string> metadata, bool appIdInErrors, CancellationToken cancellationToken)
    {
        var stateStore = Find(store, appIdInErrors);
        if (stateStore is not ITransactionalStateStore transactional)
        {
            throw DaprErrors.StateTransactionsNotSupported(store).ToException();
        }

        var writes = new List<StateWrite>(operations.Count);
        foreach (var (operation, item) in operations)
        {
            if (operation is not ("upsert" or "delete"))
            {
                throw DaprErrors.StateOperationNotSupported(operation).ToException();
            }

            var key = StoreKey(stateStore, store, item.Key);
            var concurrency = Options(item, DaprErrors.StateTransaction);
            writes.Add(operation == "upsert"
                ? new StateUpsert(key, item.Value, item.ETag, item.Metadata, concurrency) { IsBinary = item.IsBinary, ConcurrencyRequested = Requested(item) }
                : new StateDelete(key, item.ETag, item.Metadata, concurrency) { ConcurrencyRequested = Requested(item) });
        }

        if (writes.Count == 0)
        {
            return;
        }

        try
        {
            await transactional.TransactAsync(writes, metadata, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw DaprErrors.StateTransaction(e.Message).ToException();
        }
    }

    private static StateDelete Delete(IStateStore stateStore, string store, StateItemRequest item, Func<string, DaprApiError> invalidOptions) =>
        new(StoreKey(stateStore, store, item.Key), string.IsNullOrEmpty(item.ETag) ? null : item.ETag, item.Metadata, Options(item, invalidOptions))
        {
            ConcurrencyRequested = Requested(item),
        };

    private static bool Requested(StateItemRequest item) => !string.IsNullOrEmpty(item.Concurrency);

    private static bool Strong(StateItemRequest item) => item.Consistency == "strong";

    private static string StoreKey(IStateStore stateStore, string store, string key)
    {
        try
        {
            return stateStore.Settings.Keys.ToStoreKey(key);
        }
        catch (IllegalStateKeyException e)
        {
            throw DaprErrors.IllegalStateKey(store, e.Key, e.Message).ToException();
        }
    }

    /// <summary>Validates the <c>concurrency</c> and <c>consistency</c> options; consistency is accepted and ignored, as
    /// every local store is strongly consistent.</summary>
    private static StateConcurrency Options(StateItemRequest item, Func<string, DaprApiError> invalid)
    {
        var concurrency = item.Concurrency switch
        {
            null or "" or "last-write" => StateConcurrency.LastWrite,
            "first-write" => StateConcurrency.FirstWrite,
            _ => throw invalid($"unknown concurrency option '{item.Concurrency}' (expected first-write or last-write)").ToException(),
        };
        return item.Consistency is null or "" or "eventual" or "strong"
            ? concurrency
            : throw invalid($"unknown consistency option '{item.Consistency}' (expected eventual or strong)").ToException();
    }
}
