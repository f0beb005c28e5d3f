namespace EndToEnd;

/// <summary>Every end-to-end test class shares one running system per profile (components/local, components/redis): starting it is most of a run's time. Classes of one
/// collection run one after another, so no test sees another's events in flight.</summary>
[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<LocalSystemFixture>, ICollectionFixture<RedisSystemFixture>
{
    public const string Name = "system";
}
