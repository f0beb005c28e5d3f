namespace Sidecar.Bench;

/// <summary>What Linux tells of a process tree under /proc: who descends from whom, what each runs, and the CPU time
/// each has used.</summary>
public static class ProcFs
{
    /// <summary>The process and its descendants.</summary>
    public static List<int> ProcessTree(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && TryParentOf(pid) is { } parent)
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }
        }

        var result = new List<int>();
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            result.Add(pid);
            foreach (var child in children.GetValueOrDefault(pid, []))
            {
                pending.Push(child);
            }
        }

        return result;
    }

    private static int? TryParentOf(int pid) =>
        StatFields(pid) is { } fields ? int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) : null;

    public static string Describe(int pid)
    {
        var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var name = Path.GetFileName(args[0]);
        return name is "dotnet" or "python3" && args.Length > 1 ? $"{name} {Path.GetFileName(args[1])}" : name;
    }

    /// <summary>User and system CPU seconds the process has used so far (fields 14 and 15 of its stat, in ticks of
    /// 1/100 s); 0 once it is gone.</summary>
    public static double CpuSeconds(int pid) =>
        StatFields(pid) is { } fields
            ? (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0
            : 0;

    /// <summary>CPU seconds used so far by <paramref name="root"/> and its descendants, and by those of them whose
    /// command line contains <paramref name="marker"/>.</summary>
    public static (double All, double Marked) TreeCpuSeconds(int root, string marker)
    {
        double all = 0, marked = 0;
        foreach (var pid in ProcessTree(root))
        {
            var seconds = CpuSeconds(pid);
            all += seconds;
            if (CommandLine(pid).Contains(marker, StringComparison.Ordinal))
            {
                marked += seconds;
            }
        }

        return (all, marked);
    }

    /// <summary>The fields of /proc/&lt;pid&gt;/stat after the command name, from the state on (the name may hold spaces,
    /// so they are read after the last ')'); null once the process is gone.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
