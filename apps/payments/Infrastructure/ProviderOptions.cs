namespace Sidecart.Payments.Infrastructure;

/// <summary>Where the external payment provider is, where its API key is kept, and how hard to try it
/// (configuration section <c>Payments:Provider</c>). The defaults point at the stand-in provider of the local profile.</summary>
public sealed class ProviderOptions
{
    public const string Section = "Payments:Provider";

    public Uri BaseUrl { get; set; } = new("http://127.0.0.1:5190");

    /// <summary>The Dapr secret store holding the API key, and the secret's name in it.</summary>
    public string SecretStore { get; set; } = "secretstore";

    public string ApiKeySecretName { get; set; } = "payments:providerApiKey";

    /// <summary>How long one call to the provider may take before it is abandoned and retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);

    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry's delay; later ones back off exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();

    /// <summary>When the circuit opens: at least <see cref="MinimumThroughput"/> calls within <see cref="SamplingDuration"/>,
    /// of which <see cref="FailureRatio"/> or more failed. It stays open (calls fail fast) for <see cref="BreakDuration"/>.</summary>
    public sealed class CircuitBreakerSettings
    {
        public double FailureRatio { get; set; } = 0.5;

        public int MinimumThroughput { get; set; } = 10;

        public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

        public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
    }
}
