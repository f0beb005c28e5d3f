using System.Text.Json;
using LocalSidecar.Components.State;

namespace LocalSidecar.Actors;

/// <summary>Durable reminders in the actor state store: one document per actor type under <c>actors||&lt;type&gt;</c>
/// (the key daprd uses), shared by every sidecar hosting the type and updated with ETag checks so concurrent owners of
/// different ids of one type never lose each other's changes. Within one sidecar the updates of a type are also
/// serialised, so a burst of new actors (a flash sale placing hundreds of orders) does not exhaust the ETag retries
/// against itself; the retries remain for other sidecars hosting the same type.</summary>
public sealed class ReminderStore(IStateStore store)
{
    private const int ConflictAttempts = 20;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _writers = new(StringComparer.Ordinal);
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    public async Task<IReadOnlyList<Reminder>> LoadAsync(string actorType, CancellationToken cancellationToken) =>
        (await ReadAsync(actorType, cancellationToken)).Reminders;

    public async Task<Reminder?> GetAsync(ActorKey actor, string name, CancellationToken cancellationToken) =>
        (await LoadAsync(actor.Type, cancellationToken)).FirstOrDefault(r => r.ActorId == actor.Id && r.Name == name);

    /// <summary>Adds the reminder, replacing one of the same actor and name.</summary>
    public Task SaveAsync(Reminder reminder, CancellationToken cancellationToken) =>
        UpdateAsync(reminder.ActorType, list =>
        {
            list.RemoveAll(r => r.ActorId == reminder.ActorId && r.Name == reminder.Name);
            list.Add(reminder);
            return true;
        }, cancellationToken);

    /// <summary>Removes the reminder; with <paramref name="revision"/>, only that registration of it.</summary>
    public Task RemoveAsync(ActorKey actor, string name, string? revision, CancellationToken cancellationToken) =>
        UpdateAsync(actor.Type, list => list.RemoveAll(r => r.ActorId == actor.Id && r.Name == name && (revision is null || r.Revision == revision)) > 0, cancellationToken);

    /// <summary>Records a firing: the next due time and the firings left, unless the reminder was replaced or deleted meanwhile.</summary>
    public Task RecordProgressAsync(Reminder progressed, CancellationToken cancellationToken) =>
        UpdateAsync(progressed.ActorType, list =>
        {
            var index = list.FindIndex(r => r.ActorId == progressed.ActorId && r.Name == progressed.Name && r.Revision == progressed.Revision);
            if (index < 0)
            {
                return false;
            }

            list[index] = progressed;
            return true;
        }, cancellationToken);

    private async Task UpdateAsync(string actorType, Func<List<Reminder>, bool> change, CancellationToken cancellationToken)
    {
        var writer = _writers.GetOrAdd(actorType, _ => new SemaphoreSlim(1, 1));
        await writer.WaitAsync(cancellationToken);
        try
        {
            await UpdateUnderLockAsync(actorType, change, cancellationToken);
        }
        finally
        {
            writer.Release();
        }
    }

    private async Task UpdateUnderLockAsync(string actorType, Func<List<Reminder>, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (reminders, etag) = await ReadAsync(actorType, cancellationToken);
            var list = reminders.ToList();
            if (!change(list))
            {
                return;
            }

            var value = JsonSerializer.SerializeToUtf8Bytes(list, ReminderJsonContext.Default.ListReminder);
            try
            {
                // Without an ETag, first-write makes two sidecars creating the document at once conflict instead of overwrite.
                await store.SetAsync(new StateUpsert(Key(actorType), value, etag, NoMetadata, etag is null ? StateConcurrency.FirstWrite : StateConcurrency.LastWrite), cancellationToken);
                return;
            }
            catch (Exception e) when (e is ETagMismatchException or FirstWriteConflictException && attempt < ConflictAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25)), cancellationToken);
            }
        }
    }

    private async Task<(IReadOnlyList<Reminder> Reminders, string? ETag)> ReadAsync(string actorType, CancellationToken cancellationToken)
    {
        var item = await store.GetAsync(Key(actorType), NoMetadata, cancellationToken);
        if (item is null)
        {
            return ([], null);
        }

        return (JsonSerializer.Deserialize(item.Value, ReminderJsonContext.Default.ListReminder) ?? [], item.ETag);
    }

    private static string Key(string actorType) => $"actors{StateKeys.Separator}{actorType}";
}
