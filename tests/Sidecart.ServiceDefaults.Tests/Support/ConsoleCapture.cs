namespace Sidecart.ServiceDefaults.Tests.Support;

[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture
{
    /// <summary>Everything written to stdout while <paramref name="action"/> runs. Serilog's console sink writes to
    /// <see cref="Console.Out"/>, so tests using this swap it and must not run beside the others.</summary>
    public static async Task<(string Output, T Result)> RunAsync<T>(Func<Task<T>> action)
    {
        var original = Console.Out;
        using var capture = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(capture));
        try
        {
            var result = await action();
            return (capture.ToString(), result);
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    public static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
