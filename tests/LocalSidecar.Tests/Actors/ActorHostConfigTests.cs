using LocalSidecar.Actors;

namespace LocalSidecar.Tests.Actors;

public sealed class ActorHostConfigTests
{
    [Fact]
    public void Reads_the_entities_and_the_top_level_settings()
    {
        var config = ActorHostConfig.Parse("""
            {"entities":["A","B"],"actorIdleTimeout":"1m","drainOngoingCallTimeout":"10s","drainRebalancedActors":false,
             "reentrancy":{"enabled":true,"maxStackDepth":5}}
            """);
        Assert.Equal(["A", "B"], config.Entities);
        Assert.True(config.Hosts("A"));
        Assert.False(config.Hosts("C"));
        Assert.Equal(new ActorTypeSettings(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(10), false, true, 5), config.For("A"));
    }

    [Fact]
    public void Defaults_apply_when_fields_are_missing()
    {
        var config = ActorHostConfig.Parse("""{"entities":["A"]}""");
        Assert.Equal(ActorTypeSettings.Default, config.For("A"));
        Assert.Equal(TimeSpan.FromMinutes(60), ActorTypeSettings.Default.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), ActorTypeSettings.Default.DrainOngoingCallTimeout);
        Assert.Equal(32, ActorTypeSettings.Default.MaxStackDepth);
        Assert.False(ActorTypeSettings.Default.ReentrancyEnabled);
    }

    [Fact]
    public void An_entitiesConfig_entry_overrides_the_top_level_values_for_its_types_only()
    {
        var config = ActorHostConfig.Parse("""
            {"entities":["A","B"],"actorIdleTimeout":"1h","reentrancy":{"enabled":true},
             "entitiesConfig":[{"entities":["B"],"actorIdleTimeout":"5s","reentrancy":{"enabled":false}}]}
            """);
        Assert.Equal(TimeSpan.FromHours(1), config.For("A").IdleTimeout);
        Assert.True(config.For("A").ReentrancyEnabled);
        Assert.Equal(TimeSpan.FromSeconds(5), config.For("B").IdleTimeout);
        Assert.False(config.For("B").ReentrancyEnabled);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("""{"entities":["A"],"actorIdleTimeout":"soon"}""")]
    public void Rejects_what_is_not_an_actor_configuration(string json) =>
        Assert.Throws<FormatException>(() => ActorHostConfig.Parse(json));
}
