using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Continues as new three times (generations 0 to 3), noting each generation with <see cref="NoteActivity"/>.
/// Generation 0 waits for <see cref="Go"/>; generation 2 consumes <see cref="Carried"/>, which the test raises during
/// generation 0, so it reaches generation 2 only if every continue-as-new carried it over; generation 3 returns it.</summary>
public sealed class ContinueAsNewWorkflow : Workflow<Generation, string>
{
    public const string Go = "go";

    public const string Carried = "carried";

    public static string NoteFor(int generation) => $"generation {generation}";

    public override async Task<string> RunAsync(WorkflowContext context, Generation input)
    {
        await context.CallActivityAsync<string>(nameof(NoteActivity), NoteFor(input.Number));
        switch (input.Number)
        {
            case 0:
                await context.WaitForExternalEventAsync<string>(Go);
                context.ContinueAsNew(new Generation(1, null));
                return "";
            case 1:
                context.ContinueAsNew(new Generation(2, null));
                return "";
            case 2:
                var carried = await context.WaitForExternalEventAsync<string>(Carried);
                context.ContinueAsNew(new Generation(3, carried));
                return "";
            default:
                return $"{input.Carried} reached generation {input.Number}";
        }
    }
}

public sealed record Generation(int Number, string? Carried);
