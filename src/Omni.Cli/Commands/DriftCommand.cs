using System.CommandLine;
using System.Text.Json;
using Omni.Cli.Output;
using Spectre.Console;

namespace Omni.Cli.Commands;

/// <summary>
/// <c>omni drift --instance X --since 7d</c> (or <c>--from/--to</c>): <c>POST /api/replay/drift</c> re-normalizes the
/// window's archived payloads with Omni's current normalizers, writing nothing, and the command shows per provider and
/// shape which fields were added, removed, changed or renamed, with counts and sample event ids.
/// </summary>
public static class DriftCommand
{
    public static Command Build(GlobalOptions globals, CliEnvironment env)
    {
        var instance = new Option<string>("--instance") { Description = "the instance to check", Required = true };
        var since = new Option<string?>("--since") { Description = "the window's start as a duration ago (24h, 7d) or an ISO-8601 time" };
        var from = new Option<string?>("--from") { Description = "the window's start (ISO-8601 or a duration ago)" };
        var to = new Option<string?>("--to") { Description = "the window's end, exclusive (default: now)" };
        var command = new Command("drift", "compare stored events with what the current normalizers make of their archived payloads (POST /api/replay/drift)")
        {
            instance, since, from, to,
        };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            var start = (parse.GetValue(since) ?? parse.GetValue(from)) is { } s
                ? TimeArgument.Parse(s, now)
                : throw new UsageException("give --since (e.g. 7d) or --from");
            var end = parse.GetValue(to) is { } t ? TimeArgument.Parse(t, now) : now.AddSeconds(1);
            var body = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["instance"] = parse.GetValue(instance)!,
                ["from"] = TimeArgument.Format(start),
                ["to"] = TimeArgument.Format(end),
            });
            var report = await client.SendAsync(HttpMethod.Post, "api/replay/drift", body, "application/json", ct);
            if (parse.GetValue(globals.Json))
            {
                env.WriteRaw(report.GetRawText());
                return ExitCodes.Ok;
            }

            Write(env.Console, report);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Write(IAnsiConsole console, JsonElement report)
    {
        string F(string name) => EventView.Field(report, name);
        console.MarkupLine(Markup.Escape(
            $"{F("provider")} normalizer v{F("normalizer_version")}: {F("payloads_read")} payload(s), {F("events_compared")} event(s) compared, " +
            $"{F("events_differing")} differ, {F("payloads_quarantined")} payload(s) it cannot read"));
        var table = new Table().AddColumns("shape", "events", "differ", "field", "change", "count", "sample event ids");
        foreach (var shape in report.GetProperty("shapes").EnumerateArray())
        {
            var name = EventView.Field(shape, "shape");
            var fields = shape.GetProperty("fields").EnumerateArray().ToList();
            if (fields.Count == 0)
            {
                table.AddRow(Markup.Escape(name), EventView.Field(shape, "events_compared"), EventView.Field(shape, "events_differing"), "-", "no drift", "", "");
            }

            foreach (var field in fields)
            {
                var change = EventView.Field(field, "change") + (EventView.Field(field, "renamed_from") is { Length: > 0 } old ? $" from {old}" : "");
                table.AddRow(
                    Markup.Escape(name), EventView.Field(shape, "events_compared"), EventView.Field(shape, "events_differing"),
                    Markup.Escape(EventView.Field(field, "field")), Markup.Escape(change), EventView.Field(field, "count"),
                    Markup.Escape(string.Join(" ", field.GetProperty("sample_event_ids").EnumerateArray().Select(i => i.GetString()))));
            }
        }

        console.Write(table);
        if (!report.GetProperty("complete").GetBoolean())
        {
            console.MarkupLine(Markup.Escape($"stopped after {F("max_payloads")} payloads: run again with --from {F("next_from")}"));
        }
    }
}
