namespace Sidecart.Dapr;

/// <summary>Concurrency and consistency hints for a state operation; null fields are left to the store's defaults.</summary>
public sealed record StateOptions(StateConcurrency? Concurrency = null, StateConsistency? Consistency = null)
{
    public static StateOptions FirstWrite { get; } = new(StateConcurrency.FirstWrite);

    public static StateOptions LastWrite { get; } = new(StateConcurrency.LastWrite);

    internal string? ConcurrencyValue => Concurrency switch
    {
        StateConcurrency.FirstWrite => "first-write",
        StateConcurrency.LastWrite => "last-write",
        _ => null,
    };

    internal string? ConsistencyValue => Consistency switch
    {
        StateConsistency.Eventual => "eventual",
        StateConsistency.Strong => "strong",
        _ => null,
    };
}
