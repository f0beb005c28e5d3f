using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Components.PubSub;

/// <summary>One consumer group of an in-memory topic: a queue its live members compete for. Each member delivers
/// serially; a failed message is retried by the member up to <see cref="MaxAttempts"/> times,
/// <see cref="RedeliveryInterval"/> apart, then discarded with an error log.</summary>
internal sealed class InMemoryConsumerGroup(string topic, string name)
{
    public const int MaxAttempts = 10;

    public static readonly TimeSpan RedeliveryInterval = TimeSpan.FromMilliseconds(100);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>();

    public string Topic { get; } = topic;

    public string Name { get; } = name;

    public void Enqueue(PubSubMessage message) => _queue.Writer.TryWrite(new Pending(message));

    public IAsyncDisposable Join(PubSubHandler handler, ILogger logger) => new Member(this, handler, logger);

    /// <summary>A message and its delivery attempts so far; the count travels with it when a leaving member hands
    /// it back, so a poison message cannot bounce between members forever.</summary>
    private sealed class Pending(PubSubMessage message)
    {
        public PubSubMessage Message { get; } = message;

        public int Attempts { get; set; }
    }

    private sealed class Member : IAsyncDisposable
    {
        private readonly InMemoryConsumerGroup _group;
        private readonly PubSubHandler _handler;
        private readonly ILogger _logger;
        private readonly CancellationTokenSource _leaving = new();
        private readonly Task _loop;

        public Member(InMemoryConsumerGroup group, PubSubHandler handler, ILogger logger)
        {
            _group = group;
            _handler = handler;
            _logger = logger;
            _loop = Task.Run(RunAsync);
        }

        public async ValueTask DisposeAsync()
        {
            if (_leaving.IsCancellationRequested)
            {
                return;
            }

            await _leaving.CancelAsync();
            await _loop;
            _leaving.Dispose();
        }

        private async Task RunAsync()
        {
            var reader = _group._queue.Reader;
            try
            {
                while (await reader.WaitToReadAsync(_leaving.Token))
                {
                    if (reader.TryRead(out var pending))
                    {
                        await DeliverAsync(pending);
                    }
                }
            }
            catch (OperationCanceledException) when (_leaving.IsCancellationRequested)
            {
            }
        }

        private async Task DeliverAsync(Pending pending)
        {
            while (true)
            {
                try
                {
                    await _handler(pending.Message, _leaving.Token);
                    return;
                }
                catch (Exception) when (_leaving.IsCancellationRequested)
                {
                    HandBack(pending);
                    return;
                }
                catch (Exception e)
                {
                    if (++pending.Attempts >= MaxAttempts)
                    {
                        _logger.LogError("pubsub.in-memory: discarding a message of topic {Topic} for consumer group {Group} after {Attempts} failed deliveries: {Error}",
                            _group.Topic, _group.Name, pending.Attempts, e.Message);
                        return;
                    }
                }

                try
                {
                    await Task.Delay(RedeliveryInterval, _leaving.Token);
                }
                catch (OperationCanceledException)
                {
                    HandBack(pending);
                    return;
                }
            }
        }

        /// <summary>Returns a message this member could not finish to the group (at the back of the queue), so a
        /// remaining or returning member delivers it.</summary>
        private void HandBack(Pending pending) => _group._queue.Writer.TryWrite(pending);
    }
}
