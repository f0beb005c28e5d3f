using System.Threading.Channels;

namespace LocalSidecar.Runner.Dashboard;

/// <summary>The console output of one app or sidecar: the last <see cref="Capacity"/> lines, numbered from 1 since the
/// run started, and every line after that to whoever follows it.</summary>
public sealed class ConsoleLog
{
    public const int Capacity = 10_000;

    private readonly Lock _gate = new();
    private readonly Queue<ConsoleLine> _lines = new();
    private readonly List<ChannelWriter<ConsoleLine>> _followers = [];
    private int _lastNumber;

    public void Append(string text)
    {
        lock (_gate)
        {
            var line = new ConsoleLine(++_lastNumber, text);
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
            foreach (var follower in _followers)
            {
                follower.TryWrite(line);
            }
        }
    }

    /// <summary>The lines kept so far and, with <paramref name="follow"/>, a reader of every later line (without gap
    /// or repeat) until <paramref name="cancellationToken"/> fires.</summary>
    public (IReadOnlyList<ConsoleLine> Kept, ChannelReader<ConsoleLine>? Later) Read(bool follow, CancellationToken cancellationToken)
    {
        var channel = follow ? Channel.CreateUnbounded<ConsoleLine>(new UnboundedChannelOptions { SingleReader = true }) : null;
        List<ConsoleLine> kept;
        lock (_gate)
        {
            kept = _lines.ToList();
            if (channel is not null)
            {
                _followers.Add(channel.Writer);
            }
        }

        if (channel is null)
        {
            return (kept, null);
        }

        cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                _followers.Remove(channel.Writer);
            }

            channel.Writer.TryComplete();
        });
        return (kept, channel.Reader);
    }
}

public readonly record struct ConsoleLine(int Number, string Text);
