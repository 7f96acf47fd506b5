using Spectre.Console;
using System.CommandLine;
using System.Text;
using Omni.Cli.Output;

namespace Omni.Cli.Commands;

/// <summary><c>omni events list|get|tail</c>: the events routes (<c>GET /api/events</c>, <c>GET /api/events/{id}</c>).</summary>
public static class EventsCommands
{
    public static Command Build(GlobalOptions globals, CliEnvironment env)
    {
        var events = new Command("events", "list, read and follow events");
        events.Add(List(globals, env));
        events.Add(Get(globals, env));
        events.Add(EventTail.Build(globals, env));
        return events;
    }

    private static Command List(GlobalOptions globals, CliEnvironment env)
    {
        var instance = new Option<string?>("--instance") { Description = "one instance (default: every instance the key may read)" };
        var conversation = new Option<string?>("--conversation") { Description = "one conversation id" };
        var since = new Option<string?>("--since") { Description = "only events since a duration ago (15m, 24h, 7d) or an ISO-8601 time" };
        var limit = new Option<int>("--limit") { Description = "at most this many events (1-500)", DefaultValueFactory = _ => 20 };
        var command = new Command("list", "events, newest first (GET /api/events)") { instance, conversation, since, limit };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var query = new StringBuilder($"api/events?limit={parse.GetValue(limit)}");
            Append(query, "instance", parse.GetValue(instance));
            Append(query, "conversation_id", parse.GetValue(conversation));
            if (parse.GetValue(since) is { } s)
            {
                Append(query, "from", TimeArgument.Format(TimeArgument.Parse(s, DateTimeOffset.UtcNow)));
            }

            var page = await client.GetAsync(query.ToString(), ct);
            if (parse.GetValue(globals.Json))
            {
                env.WriteRaw(page.GetRawText());
                return ExitCodes.Ok;
            }

            var list = page.GetProperty("events").EnumerateArray().ToList();
            env.Console.Write(EventView.Table(list));
            env.Console.MarkupLine(page.TryGetProperty("continuation", out _)
                ? $"{list.Count} event(s); more remain (raise --limit or narrow --since)"
                : $"{list.Count} event(s)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(GlobalOptions globals, CliEnvironment env)
    {
        var id = new Argument<string>("ID") { Description = "the event id (evt_…)" };
        var full = new Option<bool>("--full") { Description = "the whole event, not its bounded view" };
        var command = new Command("get", "one event (GET /api/events/{event_id})") { id, full };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var path = $"api/events/{Uri.EscapeDataString(parse.GetValue(id)!)}" + (parse.GetValue(full) ? "?full=true" : "");
            var e = await client.GetAsync(path, ct);
            if (parse.GetValue(globals.Json))
            {
                env.WriteRaw(e.GetRawText());
            }
            else
            {
                env.Console.Write(EventView.Details(e));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    internal static void Append(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }
}
