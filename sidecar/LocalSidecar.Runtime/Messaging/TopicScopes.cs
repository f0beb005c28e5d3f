namespace LocalSidecar.Messaging;

/// <summary>A pub/sub component's topic scoping for one app: <c>allowedTopics</c>, <c>protectedTopics</c> and this
/// app's entries of <c>publishingScopes</c> / <c>subscriptionScopes</c> (<c>app1=t1,t2;app2=</c>). Names are matched
/// without regard to case, spaces are removed from values, topics are compared exactly (dapr/dapr pkg/scopes).</summary>
public sealed record TopicScopes(
    IReadOnlyList<string> AllowedTopics,
    IReadOnlyList<string> ProtectedTopics,
    IReadOnlyList<string> PublishingTopics,
    IReadOnlyList<string> SubscriptionTopics)
{
    public const string PublishingScopesKey = "publishingScopes";
    public const string SubscriptionScopesKey = "subscriptionScopes";
    public const string AllowedTopicsKey = "allowedTopics";
    public const string ProtectedTopicsKey = "protectedTopics";

    public static TopicScopes None { get; } = new([], [], [], []);

    public static TopicScopes Read(IReadOnlyDictionary<string, string> metadata, string appId) => new(
        Topics(Find(metadata, AllowedTopicsKey)),
        Topics(Find(metadata, ProtectedTopicsKey)),
        AppTopics(Find(metadata, PublishingScopesKey), appId),
        AppTopics(Find(metadata, SubscriptionScopesKey), appId));

    public bool AllowsPublish(string topic) => Allows(topic, PublishingTopics);

    public bool AllowsSubscription(string topic) => Allows(topic, SubscriptionTopics);

    /// <summary>daprd's rule: outside a non-empty <c>allowedTopics</c> never; a protected topic only with a grant; an
    /// app with no scope entry may use every other topic; an app with one only the topics it lists (<c>app=</c> lists
    /// one empty topic, so nothing).</summary>
    private bool Allows(string topic, IReadOnlyList<string> granted)
    {
        if (AllowedTopics.Count > 0 && !AllowedTopics.Contains(topic, StringComparer.Ordinal))
        {
            return false;
        }

        var isProtected = ProtectedTopics.Contains(topic, StringComparer.Ordinal);
        return (!isProtected && granted.Count == 0) || granted.Contains(topic, StringComparer.Ordinal);
    }

    private static string? Find(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.FirstOrDefault(m => string.Equals(m.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    private static List<string> Topics(string? value) =>
        string.IsNullOrEmpty(value) ? [] : value.Replace(" ", "", StringComparison.Ordinal).Split(',').Distinct(StringComparer.Ordinal).ToList();

    private static List<string> AppTopics(string? value, string appId)
    {
        var topics = new List<string>();
        if (string.IsNullOrEmpty(value))
        {
            return topics;
        }

        foreach (var entry in value.Replace(" ", "", StringComparison.Ordinal).Split(';'))
        {
            var parts = entry.Split('=');
            if (parts.Length < 2 || parts[0] != appId)
            {
                continue;
            }

            foreach (var topic in parts[1].Split(','))
            {
                if (!topics.Contains(topic, StringComparer.Ordinal))
                {
                    topics.Add(topic);
                }
            }
        }

        return topics;
    }
}
