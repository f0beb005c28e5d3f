using LocalSidecar.Messaging;

namespace LocalSidecar.Tests.Scoping;

/// <summary>daprd's topic-scoping rule (pkg/scopes, pkg/runtime/pubsub IsOperationAllowed) on the docs' examples.</summary>
public sealed class TopicScopesTests
{
    private static TopicScopes Read(string appId, params (string Key, string Value)[] metadata) =>
        TopicScopes.Read(metadata.ToDictionary(m => m.Key, m => m.Value), appId);

    [Theory]
    [InlineData("app1", "topic1", true)]
    [InlineData("app1", "topic2", false)]
    [InlineData("app2", "topic1", false)]
    [InlineData("app2", "topic2", true)]
    [InlineData("app3", "topic1", false)]
    [InlineData("app4", "topic1", true)]
    public void Publishing_scopes_limit_the_apps_they_name(string appId, string topic, bool allowed) =>
        Assert.Equal(allowed, Read(appId, ("publishingScopes", "app1=topic1;app2=topic2,topic3;app3=")).AllowsPublish(topic));

    [Fact]
    public void Names_are_matched_without_case_and_spaces_are_removed()
    {
        var scopes = Read("app1", ("SubscriptionScopes", " app1 = topic1 , topic2 "));
        Assert.True(scopes.AllowsSubscription("topic2"));
        Assert.False(scopes.AllowsSubscription("topic3"));
        Assert.True(scopes.AllowsPublish("topic3"));
    }

    [Theory]
    [InlineData("app1", "topic1", true)]
    [InlineData("app1", "topic3", false)]
    [InlineData("app2", "topic2", true)]
    [InlineData("app2", "topic1", false)]
    public void Protected_topics_need_a_grant_and_others_stay_open(string appId, string topic, bool allowed) =>
        Assert.Equal(allowed, Read(appId, ("protectedTopics", "topic1,topic3"), ("publishingScopes", "app1=topic1")).AllowsPublish(topic));

    [Fact]
    public void AllowedTopics_closes_every_other_topic_whatever_the_scopes_say()
    {
        var scopes = Read("app1", ("allowedTopics", "topic1"), ("publishingScopes", "app1=topic1,topic2"));
        Assert.True(scopes.AllowsPublish("topic1"));
        Assert.False(scopes.AllowsPublish("topic2"));
        Assert.False(scopes.AllowsSubscription("topic2"));
    }

    [Fact]
    public void Entries_without_an_equals_sign_are_ignored_and_topics_compare_exactly()
    {
        var scopes = Read("app1", ("publishingScopes", "app1;app1=Orders"));
        Assert.True(scopes.AllowsPublish("Orders"));
        Assert.False(scopes.AllowsPublish("orders"));
    }

    [Fact]
    public void Without_scoping_metadata_everything_is_allowed()
    {
        Assert.True(Read("app1").AllowsPublish("anything"));
        Assert.True(TopicScopes.None.AllowsSubscription("anything"));
    }
}
