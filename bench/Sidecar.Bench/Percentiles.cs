namespace Sidecar.Bench;

/// <summary>Latency samples in milliseconds and their percentiles (nearest-rank).</summary>
public sealed class Percentiles(IEnumerable<double> samples)
{
    private readonly double[] _sorted = samples.Order().ToArray();

    /// <summary>The samples, in order (so that a result can cross from one bench process to another as JSON).</summary>
    public IEnumerable<double> Samples => _sorted;

    public int Count => _sorted.Length;

    public double P50 => At(0.50);

    public double P99 => At(0.99);

    public double At(double quantile) =>
        _sorted.Length == 0 ? double.NaN : _sorted[Math.Clamp((int)Math.Ceiling(quantile * _sorted.Length) - 1, 0, _sorted.Length - 1)];
}
