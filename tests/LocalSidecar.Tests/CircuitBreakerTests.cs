using LocalSidecar.Components;
using LocalSidecar.Resiliency;

namespace LocalSidecar.Tests;

/// <summary>The circuit breaker's states as gobreaker's (the library daprd's breakers are), on a clock the test moves.</summary>
public sealed class CircuitBreakerTests
{
    [Fact]
    public void It_opens_when_the_trip_holds_refuses_while_open_and_closes_after_a_half_open_success()
    {
        var clock = new ManualClock();
        var breaker = new CircuitBreaker(new CircuitBreakerPolicy("cb", 1, TimeSpan.Zero, TimeSpan.FromSeconds(30), TripExpression.Parse("consecutiveFailures >= 2")), clock);

        Assert.Null(breaker.TryEnter());
        breaker.Complete(false);
        Assert.Equal(CircuitBreaker.Closed, breaker.State);
        Assert.Null(breaker.TryEnter());
        breaker.Complete(false);
        Assert.Equal(CircuitBreaker.Open, breaker.State);
        Assert.Equal("circuit breaker is open", breaker.TryEnter());

        clock.Now += TimeSpan.FromSeconds(31);
        Assert.Equal(CircuitBreaker.HalfOpen, breaker.State);
        Assert.Null(breaker.TryEnter());
        Assert.Equal("too many requests", breaker.TryEnter());
        breaker.Complete(true);
        Assert.Equal(CircuitBreaker.Closed, breaker.State);
    }

    [Fact]
    public void A_half_open_failure_opens_it_again_and_a_success_in_between_resets_consecutive_failures()
    {
        var clock = new ManualClock();
        var breaker = new CircuitBreaker(new CircuitBreakerPolicy("cb", 1, TimeSpan.Zero, TimeSpan.FromSeconds(5), TripExpression.Parse("consecutiveFailures > 1 && totalFailures >= 2")), clock);
        foreach (var ok in new[] { false, true, false })
        {
            Assert.Null(breaker.TryEnter());
            breaker.Complete(ok);
        }

        Assert.Equal(CircuitBreaker.Closed, breaker.State);
        Assert.Null(breaker.TryEnter());
        breaker.Complete(false);
        Assert.Equal(CircuitBreaker.Open, breaker.State);
        clock.Now += TimeSpan.FromSeconds(6);
        Assert.Null(breaker.TryEnter());
        breaker.Complete(false);
        Assert.Equal(CircuitBreaker.Open, breaker.State);
    }

    [Theory]
    [InlineData("consecutiveFailures > 5", 6, true)]
    [InlineData("consecutiveFailures > 5", 5, false)]
    [InlineData("(requests >= 3 || totalFailures == 1) && consecutiveSuccesses != 0", 0, false)]
    public void Trip_expressions_compare_the_counts(string trip, long consecutiveFailures, bool trips) =>
        Assert.Equal(trips, TripExpression.Parse(trip).ShouldTrip(new BreakerCounts(4, 0, consecutiveFailures, 0, consecutiveFailures)));

    [Theory]
    [InlineData("failures > 5", "'failures' is not one of")]
    [InlineData("consecutiveFailures >", "a count or a number expected")]
    [InlineData("consecutiveFailures > 5 extra", "unexpected 'extra'")]
    public void An_unsupported_trip_is_refused_with_the_reason(string trip, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => TripExpression.Parse(trip)).Message, StringComparison.Ordinal);

    [Fact]
    public void A_resiliency_resource_gives_an_app_its_breaker_and_an_unreadable_trip_names_the_field()
    {
        using var dir = new TempFolder();
        dir.Write("resiliency.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata: {name: r}
            spec:
              policies:
                circuitBreakers:
                  cb: {maxRequests: 2, interval: 30s, timeout: 45s, trip: "consecutiveFailures >= 3"}
              targets:
                apps:
                  payments: {circuitBreaker: cb}
            """);
        var policies = new ResiliencyPolicies(ResourceLoader.LoadPaths([dir.Path]).Resiliencies);
        var breaker = policies.AppCircuitBreaker("payments", "payments/authorize");
        Assert.NotNull(breaker);
        Assert.Equal((2, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(45), "consecutiveFailures >= 3"),
            (breaker.Policy.MaxRequests, breaker.Policy.Interval, breaker.Policy.Timeout, breaker.Policy.Trip.Source));
        Assert.Same(breaker, policies.AppCircuitBreaker("payments", "payments/authorize"));
        Assert.Null(policies.AppCircuitBreaker("catalog", "catalog/items"));

        dir.Write("resiliency.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata: {name: r}
            spec:
              policies:
                circuitBreakers:
                  cb: {trip: "failures > 1"}
            """);
        var error = Assert.Throws<ResourceException>(() => ResourceLoader.LoadPaths([dir.Path]));
        Assert.EndsWith("trip", error.Field ?? "", StringComparison.Ordinal);
        Assert.Contains("'failures' is not one of", error.Message, StringComparison.Ordinal);
    }

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
