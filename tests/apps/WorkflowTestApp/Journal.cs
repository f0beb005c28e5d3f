namespace WorkflowTestApp;

/// <summary>Files shared with the test, one line per activity run, that outlive the process: each process writes its
/// own <c>&lt;path&gt;.&lt;pid&gt;</c> (appends from two processes to one file can overwrite each other), and
/// <c>&lt;path&gt;.release</c> lets a waiting <see cref="SlowActivity"/> finish.</summary>
public sealed class Journal(string path)
{
    private static readonly Lock Gate = new();
    private readonly string _file = $"{path}.{Environment.ProcessId}";

    public string ReleaseFile => path + ".release";

    public void Record(string line)
    {
        lock (Gate)
        {
            File.AppendAllLines(_file, [line]);
        }
    }
}
