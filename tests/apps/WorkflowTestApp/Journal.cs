namespace WorkflowTestApp;

/// <summary>A file shared with the test, one line per activity run, that outlives the process; <c>&lt;file&gt;.release</c>
/// lets a waiting <see cref="SlowActivity"/> finish.</summary>
public sealed class Journal(string path)
{
    private static readonly Lock Gate = new();

    public string ReleaseFile => path + ".release";

    public void Record(string line)
    {
        lock (Gate)
        {
            File.AppendAllLines(path, [line]);
        }
    }
}
