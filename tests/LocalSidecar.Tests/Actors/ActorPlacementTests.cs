using LocalSidecar.Actors;
using LocalSidecar.NameResolution;

namespace LocalSidecar.Tests.Actors;

public sealed class ActorPlacementTests
{
    private static readonly string[] Ids = Enumerable.Range(0, 500).Select(i => $"actor-{i}").ToArray();

    private static SidecarAddress Host(string instanceId, params string[] types) =>
        new("app", instanceId, "127.0.0.1", 1, 1) { ActorTypes = types };

    [Fact]
    public void The_same_membership_gives_the_same_owner_whatever_the_order_it_is_listed_in()
    {
        var hosts = new[] { Host("a", "T"), Host("b", "T"), Host("c", "T") };
        var reordered = new[] { hosts[2], hosts[0], hosts[1] };
        foreach (var id in Ids)
        {
            Assert.Equal(ActorPlacement.Owner(hosts, "T", id)!.InstanceId, ActorPlacement.Owner(reordered, "T", id)!.InstanceId);
        }
    }

    [Fact]
    public void Ids_spread_over_every_host()
    {
        var hosts = new[] { Host("a", "T"), Host("b", "T"), Host("c", "T") };
        var perHost = Ids.GroupBy(id => ActorPlacement.Owner(hosts, "T", id)!.InstanceId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, perHost.Count);
        Assert.All(perHost.Values, count => Assert.InRange(count, 100, 240));
    }

    [Fact]
    public void Removing_a_host_moves_only_the_ids_it_owned()
    {
        var hosts = new[] { Host("a", "T"), Host("b", "T"), Host("c", "T") };
        var remaining = new[] { hosts[0], hosts[2] };
        foreach (var id in Ids)
        {
            var before = ActorPlacement.Owner(hosts, "T", id)!.InstanceId;
            var after = ActorPlacement.Owner(remaining, "T", id)!.InstanceId;
            if (before != "b")
            {
                Assert.Equal(before, after);
            }
        }
    }

    [Fact]
    public void Adding_a_host_moves_ids_only_to_it()
    {
        var hosts = new[] { Host("a", "T"), Host("b", "T") };
        var grown = new[] { hosts[0], hosts[1], Host("c", "T") };
        var moved = 0;
        foreach (var id in Ids)
        {
            var before = ActorPlacement.Owner(hosts, "T", id)!.InstanceId;
            var after = ActorPlacement.Owner(grown, "T", id)!.InstanceId;
            if (before != after)
            {
                Assert.Equal("c", after);
                moved++;
            }
        }

        Assert.InRange(moved, 1, Ids.Length - 1);
    }

    [Fact]
    public void Only_instances_hosting_the_type_can_own_its_actors()
    {
        var instances = new[] { Host("a", "Other"), Host("b", "T", "Other"), Host("c") };
        var hosts = ActorPlacement.Hosts(instances, "T");
        Assert.Equal(["b"], hosts.Select(h => h.InstanceId));
        Assert.All(Ids, id => Assert.Equal("b", ActorPlacement.Owner(hosts, "T", id)!.InstanceId));
        Assert.Null(ActorPlacement.Owner(ActorPlacement.Hosts(instances, "Missing"), "Missing", "x"));
    }
}
