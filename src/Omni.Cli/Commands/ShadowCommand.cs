using System.CommandLine;
using System.Text.Json;
using Omni.Cli.Http;
using Omni.Cli.Output;
using Spectre.Console;

namespace Omni.Cli.Commands;

/// <summary>
/// <c>omni shadow FILE --instance X --since 7d</c>: <c>POST /api/workflows/{id}/shadow</c> with the file as the
/// candidate (nothing stored, no provider called); a window larger than one request answers a job, followed through
/// <c>GET /api/workflows/{id}/shadow/{job_id}</c> with a progress bar. Prints the events whose side effects would
/// change as a table, then the totals (<c>−6 replies</c>).
/// </summary>
public static class ShadowCommand
{
    public static Command Build(GlobalOptions globals, CliEnvironment env)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "the candidate workflow YAML (its id: names the workflow)" };
        var instance = new Option<string>("--instance") { Description = "the instance whose stored events are replayed", Required = true };
        var since = new Option<string?>("--since") { Description = "the window's start as a duration ago (24h, 7d) or an ISO-8601 time" };
        var from = new Option<string?>("--from") { Description = "the window's start (ISO-8601 or a duration ago)" };
        var to = new Option<string?>("--to") { Description = "the window's end, exclusive (default: now)" };
        var stubs = new Option<FileInfo?>("--stubs") { Description = "a JSON file {\"<step id>\": <output object>}: outputs for steps the live version did not run" };
        var command = new Command("shadow", "what a workflow change would have done over past events, compared with what the live version did (nothing is sent)")
        {
            file, instance, since, from, to, stubs,
        };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            var start = (parse.GetValue(since) ?? parse.GetValue(from)) is { } s
                ? TimeArgument.Parse(s, now)
                : throw new UsageException("give --since (e.g. 7d) or --from");
            var end = parse.GetValue(to) is { } t ? TimeArgument.Parse(t, now) : now;
            var (name, yaml) = await WorkflowsCommands.ReadAsync(parse.GetValue(file)!, ct);
            var path = WorkflowsCommands.WorkflowPath(WorkflowsCommands.IdOf(yaml, name)) + "/shadow";
            var query = $"?instance={Uri.EscapeDataString(parse.GetValue(instance)!)}&from={Uri.EscapeDataString(TimeArgument.Format(start))}&to={Uri.EscapeDataString(TimeArgument.Format(end))}";
            var (body, contentType) = parse.GetValue(stubs) is { } stubsFile ? (await WithStubsAsync(yaml, stubsFile, ct), "application/json") : (yaml, "application/yaml");
            JsonElement answer;
            try
            {
                answer = await client.SendAsync(HttpMethod.Post, path + query, body, contentType, ct);
            }
            catch (OmniApiException e) when (e.Details is { ValueKind: JsonValueKind.Array } details)
            {
                await env.Error.WriteLineAsync("error: " + e.Message);
                env.WriteRaw(SourceErrors.Render(name, yaml, details));
                return ExitCodes.Refused;
            }

            if (EventView.Field(answer, "status") != "completed")
            {
                answer = await FollowAsync(client, env, path + "/" + EventView.Field(answer, "job_id"), answer, ct);
            }

            if (parse.GetValue(globals.Json))
            {
                env.WriteRaw(answer.GetRawText());
                return ExitCodes.Ok;
            }

            Print(env, answer);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Reads the job until it completes (each read replays the next events), with a progress bar.</summary>
    private static async Task<JsonElement> FollowAsync(OmniClient client, CliEnvironment env, string jobPath, JsonElement answer, CancellationToken ct)
    {
        await env.Console.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("replaying", maxValue: Progress(answer).Total);
            while (EventView.Field(answer, "status") != "completed")
            {
                task.Value = Progress(answer).Processed;
                answer = await client.GetAsync(jobPath, ct);
            }

            task.Value = task.MaxValue;
        });
        return answer;
    }

    private static (int Processed, int Total) Progress(JsonElement answer) =>
        answer.TryGetProperty("progress", out var p) ? (p.GetProperty("processed").GetInt32(), Math.Max(1, p.GetProperty("total").GetInt32())) : (0, 1);

    private static void Print(CliEnvironment env, JsonElement answer)
    {
        var changes = answer.GetProperty("changes").EnumerateArray().ToList();
        if (changes.Count > 0)
        {
            var table = new Table().AddColumns("time", "event", "sender", "live", "candidate", "change");
            foreach (var c in changes)
            {
                var live = c.GetProperty("live");
                var shadow = c.GetProperty("shadow");
                table.AddRow(
                    Markup.Escape(EventView.Field(c, "at")),
                    Markup.Escape(EventView.Field(c, "event_id")),
                    Markup.Escape(EventView.Field(c, "sender_handle")),
                    Markup.Escape(Side(EventView.Field(live, "outcome") is { Length: > 0 } o ? o : "no run", null, live.GetProperty("performed"))),
                    Markup.Escape(Side(EventView.Field(shadow, "outcome"), EventView.Field(shadow, "reason"), shadow.GetProperty("planned"))),
                    Markup.Escape(string.Join(' ', Signed('+', c.GetProperty("added")).Concat(Signed('\u2212', c.GetProperty("removed"))))));
            }

            env.Console.Write(table);
        }

        env.Console.MarkupLine(
            $"{Markup.Escape(EventView.Field(answer, "workflow_id"))} v{EventView.Field(answer, "candidate_version")} over {EventView.Field(answer, "events_compared")} event(s) of " +
            $"{Markup.Escape(EventView.Field(answer, "instance"))} [[{EventView.Field(answer, "from")}, {EventView.Field(answer, "to")}): [bold]{Markup.Escape(EventView.Field(answer, "summary"))}[/]" +
            $" ({changes.Count} event(s) changed, {EventView.Field(answer, "events_with_assumptions")} with assumed outputs)");
    }

    private static string Side(string outcome, string? reason, JsonElement actions)
    {
        var done = actions.EnumerateArray().Select(a => EventView.Field(a, "action_id")).ToList();
        return outcome + (string.IsNullOrEmpty(reason) ? "" : $" ({reason})") + (done.Count > 0 ? ": " + string.Join(", ", done) : "");
    }

    private static IEnumerable<string> Signed(char sign, JsonElement ids) => ids.EnumerateArray().Select(a => sign + a.GetString());

    private static async Task<string> WithStubsAsync(string yaml, FileInfo file, CancellationToken ct)
    {
        JsonElement stubs;
        try
        {
            stubs = JsonSerializer.Deserialize<JsonElement>(await SendCommand.ReadAsync(file, ct));
        }
        catch (JsonException e)
        {
            throw new UsageException($"{file.Name} is not JSON: {e.Message}");
        }

        return JsonSerializer.Serialize(new Dictionary<string, object> { ["yaml"] = yaml, ["stubs"] = stubs });
    }
}
