using System.Text;
using LocalSidecar.NameResolution;

namespace LocalSidecar.Actors;

/// <summary>Which live sidecar owns an actor id: rendezvous (highest random weight) hashing over the instances that
/// host the actor type. Every sidecar that sees the same membership picks the same owner, and when an instance
/// leaves only the ids it owned move (to their second-highest instance).</summary>
public static class ActorPlacement
{
    /// <summary>The instances, of any app id, whose registration lists <paramref name="actorType"/>.</summary>
    public static IReadOnlyList<SidecarAddress> Hosts(IEnumerable<SidecarAddress> instances, string actorType) =>
        instances.Where(i => i.ActorTypes.Contains(actorType, StringComparer.Ordinal)).ToList();

    /// <summary>The owner of <paramref name="actorId"/> among <paramref name="hosts"/>; null when there is none.</summary>
    public static SidecarAddress? Owner(IReadOnlyList<SidecarAddress> hosts, string actorType, string actorId)
    {
        SidecarAddress? best = null;
        ulong bestWeight = 0;
        foreach (var host in hosts)
        {
            var weight = Weight(host.InstanceId, actorType, actorId);
            if (best is null || weight > bestWeight || (weight == bestWeight && string.CompareOrdinal(host.InstanceId, best.InstanceId) < 0))
            {
                best = host;
                bestWeight = weight;
            }
        }

        return best;
    }

    /// <summary>FNV-1a over the three names, then a SplitMix64 finaliser so that similar ids spread evenly.</summary>
    private static ulong Weight(string instanceId, string actorType, string actorId)
    {
        var hash = 14695981039346656037UL;
        foreach (var part in (ReadOnlySpan<string>)[instanceId, actorType, actorId])
        {
            foreach (var b in Encoding.UTF8.GetBytes(part))
            {
                hash = (hash ^ b) * 1099511628211UL;
            }

            hash = (hash ^ 0xFF) * 1099511628211UL;
        }

        hash ^= hash >> 30;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 27;
        hash *= 0x94D049BB133111EBUL;
        return hash ^ (hash >> 31);
    }
}
