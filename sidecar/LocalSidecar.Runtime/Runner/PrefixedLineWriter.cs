using System.Text;

namespace LocalSidecar.Runner;

/// <summary>A <see cref="TextWriter"/> that hands each completed line to <see cref="RunnerOutput"/> with a prefix,
/// so a sidecar's log sink can write into the runner's console.</summary>
public sealed class PrefixedLineWriter(RunnerOutput output, string prefix) : TextWriter
{
    private readonly StringBuilder _pending = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                EmitPending();
            }
            else if (value != '\r')
            {
                _pending.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        if (value is null)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var c in value)
            {
                Write(c);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            if (_pending.Length > 0)
            {
                EmitPending();
            }
        }

        base.Dispose(disposing);
    }

    private void EmitPending()
    {
        output.Line(prefix, _pending.ToString());
        _pending.Clear();
    }
}
