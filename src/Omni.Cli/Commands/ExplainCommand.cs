using System.CommandLine;
using Spectre.Console;

namespace Omni.Cli.Commands;

/// <summary>
/// <c>omni explain EVENT</c>: <c>GET /api/events/{event_id}/explain</c>, why Omni did or didn't act on an event, printed
/// as its plain sentences (with <c>--json</c>, the structured trace).
/// </summary>
public static class ExplainCommand
{
    public static Command Build(GlobalOptions globals, CliEnvironment env)
    {
        var id = new Argument<string>("EVENT") { Description = "the event id (evt_…)" };
        var command = new Command("explain", "why Omni did or didn't act on an event: triggers, guards, steps, timers (GET /api/events/{event_id}/explain)") { id };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var explanation = await client.GetAsync($"api/events/{Uri.EscapeDataString(parse.GetValue(id)!)}/explain", ct);
            if (parse.GetValue(globals.Json))
            {
                env.WriteRaw(explanation.GetRawText());
                return ExitCodes.Ok;
            }

            foreach (var sentence in explanation.GetProperty("sentences").EnumerateArray())
            {
                env.Console.MarkupLine(Markup.Escape(sentence.GetString() ?? ""));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
