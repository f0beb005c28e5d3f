namespace Sidecart.Payments.Infrastructure;

/// <summary>Where the external payment provider is, where its API key is kept, and how hard to try it
/// (configuration section <c>Payments:Provider</c>). The defaults point at the stand-in provider of the local profile.
/// The resilience settings become the provider client's standard resilience handler options
/// (<see cref="ProviderResilience"/>); each property names the option it sets.</summary>
public sealed class ProviderOptions
{
    public const string Section = "Payments:Provider";

    public Uri BaseUrl { get; set; } = new("http://127.0.0.1:5190");

    /// <summary>The Dapr secret store holding the API key, and the secret's name in it: a name a Kubernetes Secret can
    /// have too, so the same name (and the same secret scope in config/payments.yaml) serves every profile.</summary>
    public string SecretStore { get; set; } = "secretstore";

    public string ApiKeySecretName { get; set; } = "payments-provider-api-key";

    /// <summary>How long one call to the provider may take before it is abandoned and retried
    /// (<c>AttemptTimeout.Timeout</c>).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long one operation may take, all its attempts and the waits between them included
    /// (<c>TotalRequestTimeout.Timeout</c>); more than <see cref="AttemptTimeout"/>, and well within the step timeout of
    /// ordering's saga, so its caller hears a 503 rather than nothing.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Retries after the first attempt (<c>Retry.MaxRetryAttempts</c>).</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry's delay (<c>Retry.Delay</c>); later ones back off exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();

    /// <summary>When the circuit opens: at least <see cref="MinimumThroughput"/> attempts within <see cref="SamplingDuration"/>,
    /// of which <see cref="FailureRatio"/> or more failed. It stays open (calls fail fast) for <see cref="BreakDuration"/>.
    /// Each sets the option of the same name under <c>CircuitBreaker</c>; <see cref="SamplingDuration"/> must be at
    /// least twice <see cref="AttemptTimeout"/>, or the app does not start.</summary>
    public sealed class CircuitBreakerSettings
    {
        public double FailureRatio { get; set; } = 0.5;

        public int MinimumThroughput { get; set; } = 10;

        public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

        public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
    }
}
