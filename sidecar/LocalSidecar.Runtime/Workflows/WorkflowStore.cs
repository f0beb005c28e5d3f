using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using LocalSidecar.Components.State;

namespace LocalSidecar.Workflows;

/// <summary>Workflow state in the actor state store, in daprd's layout, so either can read what the other wrote: under
/// <c>&lt;appId&gt;||&lt;workflow actor type&gt;||&lt;instanceId&gt;||</c> the keys <c>metadata</c>
/// (<see cref="BackendWorkflowStateMetadata"/>), <c>history-NNNNNN</c> and <c>inbox-NNNNNN</c> (one
/// <see cref="HistoryEvent"/> each) and <c>customStatus</c> (a <c>StringValue</c>), all protobuf binary. Each save is
/// one transaction. Beside them, as daprd keeps a reminder for each workflow that can still make progress, a marker
/// <c>&lt;appId&gt;||&lt;workflow actor type&gt;.active||&lt;instanceId&gt;</c> exists while the instance is unfinished
/// (written and deleted in the same transactions), so a restart resumes those without reading the finished ones. daprd
/// never reads the markers; <c>...active-index</c> says they are complete (older stores, or instances a daprd wrote,
/// have none: the first start on such a store reads every instance once and writes them).</summary>
internal sealed class WorkflowStore(ITransactionalStateStore store, string appId, string actorType)
{
    private const string MetadataKey = "metadata";
    private const string CustomStatusKey = "customStatus";
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    private string Prefix => string.Join(StateKeys.Separator, appId, actorType, "");

    private string ActivePrefix => string.Join(StateKeys.Separator, appId, actorType + ".active", "");

    private string ActiveIndexKey => string.Join(StateKeys.Separator, appId, actorType + ".active-index");

    public async Task LoadAsync(WorkflowInstanceState instance, CancellationToken cancellationToken)
    {
        instance.Reset();
        var metadataItem = await store.GetAsync(Key(instance.Id, MetadataKey), NoMetadata, cancellationToken);
        if (metadataItem is null)
        {
            instance.Exists = false;
            instance.Generation = 0;
            instance.StoredHistoryCount = instance.StoredInboxCount = 0;
            instance.StoredCustomStatus = null;
            instance.StoredActive = false;
        }
        else
        {
            var metadata = BackendWorkflowStateMetadata.Parser.ParseFrom(metadataItem.Value);
            instance.Exists = true;
            instance.StoredActive = null;
            instance.Generation = metadata.Generation;
            for (var i = 0; i < (int)metadata.HistoryLength; i++)
            {
                instance.History.Add(await ReadEventAsync(instance.Id, HistoryKey(i), cancellationToken));
            }

            for (var i = 0; i < (int)metadata.InboxLength; i++)
            {
                instance.Inbox.Add(await ReadEventAsync(instance.Id, InboxKey(i), cancellationToken));
            }

            instance.StoredHistoryCount = instance.SyncedHistoryCount = instance.History.Count;
            instance.StoredInboxCount = instance.SyncedInboxCount = instance.Inbox.Count;
            var status = await store.GetAsync(Key(instance.Id, CustomStatusKey), NoMetadata, cancellationToken);
            instance.CustomStatus = instance.StoredCustomStatus = status is null ? null : StringValueOf(status.Value);
        }

        instance.Loaded = true;
    }

    /// <summary>Writes what changed since the last load or save (history and inbox events not yet stored as they are, the
    /// custom status if it changed) and the metadata, deleting keys beyond the new lengths.</summary>
    public async Task SaveAsync(WorkflowInstanceState instance, CancellationToken cancellationToken)
    {
        var writes = new List<StateWrite>();
        for (var i = instance.SyncedHistoryCount; i < instance.History.Count; i++)
        {
            writes.Add(Upsert(instance.Id, HistoryKey(i), instance.History[i].ToByteArray()));
        }

        for (var i = instance.History.Count; i < instance.StoredHistoryCount; i++)
        {
            writes.Add(Delete(instance.Id, HistoryKey(i)));
        }

        for (var i = instance.SyncedInboxCount; i < instance.Inbox.Count; i++)
        {
            writes.Add(Upsert(instance.Id, InboxKey(i), instance.Inbox[i].ToByteArray()));
        }

        for (var i = instance.Inbox.Count; i < instance.StoredInboxCount; i++)
        {
            writes.Add(Delete(instance.Id, InboxKey(i)));
        }

        if (instance.CustomStatus != instance.StoredCustomStatus)
        {
            writes.Add(instance.CustomStatus is { } status
                ? Upsert(instance.Id, CustomStatusKey, new Google.Protobuf.WellKnownTypes.StringValue { Value = status }.ToByteArray())
                : Delete(instance.Id, CustomStatusKey));
        }
        var metadata = new BackendWorkflowStateMetadata
        {
            HistoryLength = (ulong)instance.History.Count,
            InboxLength = (ulong)instance.Inbox.Count,
            Generation = instance.Generation,
        };
        writes.Add(Upsert(instance.Id, MetadataKey, metadata.ToByteArray()));
        var active = !instance.IsCompleted;
        if (instance.StoredActive != active)
        {
            writes.Add(active ? ActiveMarker(instance.Id) : ActiveMarkerDelete(instance.Id));
        }

        await store.TransactAsync(writes, NoMetadata, cancellationToken);
        instance.StoredActive = active;
        instance.Exists = true;
        instance.StoredHistoryCount = instance.SyncedHistoryCount = instance.History.Count;
        instance.StoredInboxCount = instance.SyncedInboxCount = instance.Inbox.Count;
        instance.StoredCustomStatus = instance.CustomStatus;
    }

    public async Task DeleteAsync(WorkflowInstanceState instance, CancellationToken cancellationToken)
    {
        var writes = new List<StateWrite>();
        for (var i = 0; i < Math.Max(instance.StoredHistoryCount, instance.History.Count); i++)
        {
            writes.Add(Delete(instance.Id, HistoryKey(i)));
        }

        for (var i = 0; i < Math.Max(instance.StoredInboxCount, instance.Inbox.Count); i++)
        {
            writes.Add(Delete(instance.Id, InboxKey(i)));
        }

        writes.Add(Delete(instance.Id, CustomStatusKey));
        writes.Add(Delete(instance.Id, MetadataKey));
        writes.Add(ActiveMarkerDelete(instance.Id));
        await store.TransactAsync(writes, NoMetadata, cancellationToken);
        instance.StoredActive = false;
        instance.Reset();
        instance.Exists = false;
        instance.StoredHistoryCount = instance.StoredInboxCount = 0;
        instance.StoredCustomStatus = null;
    }

    /// <summary>The ids of every stored instance of this app, for listing (and resuming on a store without markers).</summary>
    public async Task<IReadOnlyList<string>> InstanceIdsAsync(CancellationToken cancellationToken)
    {
        var listing = Listing();
        var suffix = StateKeys.Separator + MetadataKey;
        var keys = await listing.KeysWithPrefixAsync(Prefix, cancellationToken);
        return keys.Where(k => k.EndsWith(suffix, StringComparison.Ordinal))
            .Select(k => k[Prefix.Length..^suffix.Length])
            .Where(id => !id.Contains(StateKeys.Separator, StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>The ids of the instances marked unfinished, or null when the store's markers are not known to be
    /// complete (see <see cref="MarkActiveAsync"/>).</summary>
    public async Task<IReadOnlyList<string>?> ActiveInstanceIdsAsync(CancellationToken cancellationToken)
    {
        if (await store.GetAsync(ActiveIndexKey, NoMetadata, cancellationToken) is null)
        {
            return null;
        }

        var listing = Listing();
        var keys = await listing.KeysWithPrefixAsync(ActivePrefix, cancellationToken);
        return keys.Select(k => k[ActivePrefix.Length..])
            .Where(id => id.Length > 0 && !id.Contains(StateKeys.Separator, StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>Writes the markers of <paramref name="unfinished"/> (every unfinished instance the store holds) and then
    /// the index key that makes <see cref="ActiveInstanceIdsAsync"/> trust them.</summary>
    public async Task MarkActiveAsync(IReadOnlyList<WorkflowInstanceState> unfinished, CancellationToken cancellationToken)
    {
        if (unfinished.Count > 0)
        {
            await store.TransactAsync([.. unfinished.Select(i => ActiveMarker(i.Id))], NoMetadata, cancellationToken);
        }

        await store.TransactAsync([new StateUpsert(ActiveIndexKey, [1], null, NoMetadata, StateConcurrency.LastWrite) { IsBinary = true }],
            NoMetadata, cancellationToken);
    }

    /// <summary>Deletes the markers of instances found finished or gone.</summary>
    public Task ClearActiveAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken) =>
        store.TransactAsync([.. instanceIds.Select(ActiveMarkerDelete)], NoMetadata, cancellationToken);

    private IKeyListingStateStore Listing() => store as IKeyListingStateStore
        ?? throw new NotSupportedException("the actor state store cannot list its keys, which the workflow engine needs to resume workflows");

    private StateUpsert ActiveMarker(string instanceId) =>
        new(ActivePrefix + instanceId, System.Text.Encoding.UTF8.GetBytes(instanceId), null, NoMetadata, StateConcurrency.LastWrite) { IsBinary = true };

    private StateDelete ActiveMarkerDelete(string instanceId) => new(ActivePrefix + instanceId, null, NoMetadata, StateConcurrency.LastWrite);

    private async Task<HistoryEvent> ReadEventAsync(string instanceId, string key, CancellationToken cancellationToken)
    {
        var item = await store.GetAsync(Key(instanceId, key), NoMetadata, cancellationToken)
            ?? throw new InvalidDataException($"workflow '{instanceId}' is missing its state key '{key}'");
        return HistoryEvent.Parser.ParseFrom(item.Value);
    }

    private static string StringValueOf(byte[] bytes) => Google.Protobuf.WellKnownTypes.StringValue.Parser.ParseFrom(bytes).Value;

    private static string HistoryKey(int index) => $"history-{index:D6}";

    private static string InboxKey(int index) => $"inbox-{index:D6}";

    private string Key(string instanceId, string key) => Prefix + instanceId + StateKeys.Separator + key;

    private StateUpsert Upsert(string instanceId, string key, byte[] value) =>
        new(Key(instanceId, key), value, null, NoMetadata, StateConcurrency.LastWrite) { IsBinary = true };

    private StateDelete Delete(string instanceId, string key) =>
        new(Key(instanceId, key), null, NoMetadata, StateConcurrency.LastWrite);
}
