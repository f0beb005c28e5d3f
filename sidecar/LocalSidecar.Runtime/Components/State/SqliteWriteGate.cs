using System.Collections.Concurrent;

namespace LocalSidecar.Components.State;

/// <summary>One writer at a time per database file in this process, whichever <see cref="SqliteStateStore"/> instance
/// it comes through (under the runner every sidecar has its own instance of one shared file). Left to SQLite's file
/// lock, a writer that finds it taken polls with the busy handler's growing sleeps (1, 2, 5 ... 100 ms) while the
/// other instances, each writing for well under a millisecond, keep taking the lock in between: measured in the
/// order bench, <c>BEGIN IMMEDIATE</c> waited 100–430 ms, and every write queued behind it in that instance too.
/// Here waiters queue asynchronously and go as soon as the lock is free; writers of other processes still meet at
/// SQLite's lock.</summary>
internal static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates =
        new(OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    /// <summary>The gate of the file at <paramref name="fullPath"/>; kept for the life of the process (one small
    /// object per database file).</summary>
    public static SemaphoreSlim For(string fullPath) => Gates.GetOrAdd(fullPath, _ => new SemaphoreSlim(1, 1));
}
