using System.Collections.Concurrent;
using System.Text;

namespace LocalSidecar.Tests;

/// <summary>A console stand-in that keeps every line written to it, safe to read while others write.</summary>
public sealed class CapturedLines : TextWriter
{
    private readonly StringBuilder _current = new();
    private readonly Lock _gate = new();

    public ConcurrentQueue<string> Lines { get; } = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                Lines.Enqueue(_current.ToString().TrimEnd('\r'));
                _current.Clear();
            }
            else
            {
                _current.Append(value);
            }
        }
    }

    /// <summary>Waits until a line matching <paramref name="predicate"/> has been written.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            if (Lines.FirstOrDefault(predicate) is { } line)
            {
                return line;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no matching line; output was:\n{string.Join('\n', Lines)}");
    }
}
