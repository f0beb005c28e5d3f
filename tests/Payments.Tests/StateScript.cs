using Dapr;
using Dapr.Client;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using Sidecart.Payments.Model;

namespace Sidecart.Payments.Tests;

/// <summary>
/// Puts itself between the payments app and its DaprClient: every call goes to the real client (so to the real
/// sidecar and store), except where a test changes what the store answers. That is how a test plays the stores the
/// local sidecar does not have: <see cref="FirstWriteConflict"/> reports a lost first-write race as SQLite and MongoDB
/// do (Aborted, an ETag mismatch) or as Redis and PostgreSQL do (Internal, a plain store error).
/// </summary>
public sealed class StateScript
{
    private readonly TaskCompletionSource _readersArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reads;
    private int _createsAttempted;
    private int _createsRefused;
    private int _answersLost;

    /// <summary>How a first-write save to a key that exists fails.</summary>
    public StatusCode FirstWriteConflict { get; init; } = StatusCode.Aborted;

    /// <summary>Every first-write save fails (Internal) without writing anything, as with a store that is down.</summary>
    public bool CreatesFail { get; init; }

    /// <summary>Every ETag save is written, then fails as if its answer got lost on the way back (Unavailable).</summary>
    public bool LoseReplaceAnswers { get; init; }

    /// <summary>The first this-many payment record reads are answered only once all of them were read, so that many
    /// callers all see the record as it was before any of them wrote.</summary>
    public int ReadsToHoldTogether { get; init; }

    public int CreatesAttempted => Volatile.Read(ref _createsAttempted);

    public int CreatesRefused => Volatile.Read(ref _createsRefused);

    public int AnswersLost => Volatile.Read(ref _answersLost);

    /// <summary>For <see cref="PaymentsSystem.StartAsync"/>: wraps the DaprClient the app registered.</summary>
    public void Install(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(DaprClient));
        var create = registered.ImplementationFactory ?? throw new InvalidOperationException("DaprClient is not registered by a factory");
        services.Remove(registered);
        services.AddSingleton(sp => Wrap((DaprClient)create(sp)));
    }

    private DaprClient Wrap(DaprClient real)
    {
        var dapr = Substitute.For<DaprClient>();
        dapr.GetStateAndETagAsync<PaymentRecord>(default!, default!)
            .ReturnsForAnyArgs(call => ReadAsync(() => real.GetStateAndETagAsync<PaymentRecord>(
                call.ArgAt<string>(0), call.ArgAt<string>(1), call.ArgAt<ConsistencyMode?>(2), call.ArgAt<IReadOnlyDictionary<string, string>?>(3), call.ArgAt<CancellationToken>(4))));
        dapr.SaveStateAsync<PaymentRecord>(default!, default!, default!)
            .ReturnsForAnyArgs(call => CreateAsync(() => real.SaveStateAsync(
                call.ArgAt<string>(0), call.ArgAt<string>(1), call.ArgAt<PaymentRecord>(2), call.ArgAt<StateOptions?>(3), call.ArgAt<IReadOnlyDictionary<string, string>?>(4), call.ArgAt<CancellationToken>(5))));
        dapr.TrySaveStateAsync<PaymentRecord>(default!, default!, default!, default!)
            .ReturnsForAnyArgs(call => ReplaceAsync(() => real.TrySaveStateAsync(
                call.ArgAt<string>(0), call.ArgAt<string>(1), call.ArgAt<PaymentRecord>(2), call.ArgAt<string>(3), call.ArgAt<StateOptions?>(4), call.ArgAt<IReadOnlyDictionary<string, string>?>(5), call.ArgAt<CancellationToken>(6))));
        dapr.GetSecretAsync(default!, default!)
            .ReturnsForAnyArgs(call => real.GetSecretAsync(call.ArgAt<string>(0), call.ArgAt<string>(1), call.ArgAt<IReadOnlyDictionary<string, string>?>(2), call.ArgAt<CancellationToken>(3)));
        return dapr;
    }

    private async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        var result = await read();
        var reader = Interlocked.Increment(ref _reads);
        if (reader <= ReadsToHoldTogether)
        {
            if (reader == ReadsToHoldTogether)
            {
                _readersArrived.TrySetResult();
            }

            await _readersArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        return result;
    }

    private async Task CreateAsync(Func<Task> save)
    {
        Interlocked.Increment(ref _createsAttempted);
        if (CreatesFail)
        {
            Interlocked.Increment(ref _createsRefused);
            throw Failed(StatusCode.Internal, "failed to save: the store is unreachable");
        }

        try
        {
            await save();
        }
        catch (DaprException e) when (e.InnerException is RpcException { StatusCode: StatusCode.Aborted })
        {
            Interlocked.Increment(ref _createsRefused);
            if (FirstWriteConflict != StatusCode.Aborted)
            {
                throw Failed(FirstWriteConflict, "failed to set key: first-write conflict");
            }

            throw;
        }
    }

    private async Task<bool> ReplaceAsync(Func<Task<bool>> save)
    {
        var saved = await save();
        if (saved && LoseReplaceAnswers)
        {
            Interlocked.Increment(ref _answersLost);
            throw Failed(StatusCode.Unavailable, "connection reset before the answer arrived");
        }

        return saved;
    }

    /// <summary>What Dapr.Client throws for a failed state call.</summary>
    private static DaprException Failed(StatusCode status, string detail) =>
        new("State operation failed: the Dapr endpoint indicated a failure. See InnerException for details.", new RpcException(new Status(status, detail)));
}
