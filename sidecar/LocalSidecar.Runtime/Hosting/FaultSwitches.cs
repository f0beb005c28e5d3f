using System.Globalization;

namespace LocalSidecar.Hosting;

/// <summary>Faults a sidecar injects on purpose, for chaos tests only; all off by default. Read from the sidecar's
/// environment, which under <c>LocalSidecar run</c> includes the app's <c>env</c> in the run file:
/// <list type="bullet">
/// <item><c>SIDECART_FAULT_DUPLICATE_DELIVERY=1</c>: every pub/sub message is delivered to the app twice
/// (<see cref="Messaging.DuplicateDelivery"/>), as an at-least-once broker may.</item>
/// <item><c>SIDECART_FAULT_STATE_WRITE_FAILURES=0.05</c>: that share of state writes (saves, deletes, transactions,
/// actor and workflow state included) fails before reaching the store, as a store's transient error would
/// (<see cref="Components.State.TransientWriteFailures"/>).</item>
/// </list>
/// Each injected fault is logged ("fault injected: ..."), so a test can count them.</summary>
public sealed record FaultSwitches(bool DuplicateDelivery = false, double StateWriteFailureRate = 0)
{
    public const string DuplicateDeliveryVariable = "SIDECART_FAULT_DUPLICATE_DELIVERY";
    public const string StateWriteFailuresVariable = "SIDECART_FAULT_STATE_WRITE_FAILURES";

    public static readonly FaultSwitches None = new();

    public static FaultSwitches FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var duplicate = environment(DuplicateDeliveryVariable) switch
        {
            null or "" or "0" or "false" => false,
            "1" or "true" => true,
            var other => throw new ArgumentException($"{DuplicateDeliveryVariable} '{other}' is not 1/true or 0/false"),
        };
        var rate = environment(StateWriteFailuresVariable) switch
        {
            null or "" => 0,
            var text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share is >= 0 and < 1 => share,
            var other => throw new ArgumentException($"{StateWriteFailuresVariable} '{other}' is not a share of writes from 0 to below 1 (e.g. 0.05)"),
        };
        return new FaultSwitches(duplicate, rate);
    }
}
