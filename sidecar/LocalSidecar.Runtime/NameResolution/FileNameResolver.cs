using System.Diagnostics;
using System.Text.Json;

namespace LocalSidecar.NameResolution;

/// <summary>Name resolution for one machine through a shared folder: each sidecar writes one small file while it
/// runs, and entries whose process has died are ignored. It plays the part of mDNS in self-hosted Dapr.</summary>
public sealed class FileNameResolver(string directory) : INameResolver
{
    private const string AllAppsKey = "~";
    private static readonly TimeSpan CacheFor = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<string, (DateTime At, IReadOnlyList<SidecarAddress> Addresses)> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public static string DefaultDirectory =>
        System.Environment.GetEnvironmentVariable("SIDECART_NAME_RESOLUTION_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Path.GetTempPath(), "sidecart-name-resolution");

    public string Directory { get; } = directory;

    public IAsyncDisposable Register(SidecarAddress address)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var file = Path.Combine(Directory, $"{address.AppId}~{address.InstanceId}.json");
        // Written aside and moved into place: a re-registration must never be read half-written.
        var temporary = $"{file}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(address, SidecarJsonContext.Default.SidecarAddress));
        File.Move(temporary, file, overwrite: true);
        Invalidate(address.AppId);
        return new Registration(this, file, address.AppId);
    }

    public IReadOnlyList<SidecarAddress> Resolve(string appId) => Cached(appId, $"{appId}~*.json", a => a.AppId == appId);

    public IReadOnlyList<SidecarAddress> ResolveAll() => Cached(AllAppsKey, "*~*.json", _ => true);

    private IReadOnlyList<SidecarAddress> Cached(string cacheKey, string pattern, Func<SidecarAddress, bool> matches)
    {
        lock (_gate)
        {
            if (_cache.TryGetValue(cacheKey, out var cached) && DateTime.UtcNow - cached.At < CacheFor)
            {
                return cached.Addresses;
            }
        }

        var found = new List<SidecarAddress>();
        if (System.IO.Directory.Exists(Directory))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(Directory, pattern))
            {
                if (TryRead(file) is not { } address || !matches(address))
                {
                    continue;
                }

                if (IsAlive(address.ProcessId))
                {
                    found.Add(address);
                }
                else
                {
                    // A sidecar that was killed left its entry behind. Removed, so that the folder does not grow with
                    // every killed process and every resolution does not read (and check) them all again.
                    TryDelete(file);
                }
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.InstanceId, b.InstanceId));
        lock (_gate)
        {
            _cache[cacheKey] = (DateTime.UtcNow, found);
        }

        return found;
    }

    private void Invalidate(string appId)
    {
        lock (_gate)
        {
            _cache.Remove(appId);
            _cache.Remove(AllAppsKey);
        }
    }

    private static SidecarAddress? TryRead(string file)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(file), SidecarJsonContext.Default.SidecarAddress);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static bool IsAlive(int pid)
    {
        if (pid == System.Environment.ProcessId)
        {
            return true;
        }

        if (OperatingSystem.IsLinux())
        {
            // Far cheaper than opening the process, and resolution runs several times a second.
            return System.IO.Directory.Exists($"/proc/{pid}");
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private sealed class Registration(FileNameResolver owner, string file, string appId) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            File.Delete(file);
            owner.Invalidate(appId);
            return ValueTask.CompletedTask;
        }
    }
}
