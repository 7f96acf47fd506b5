using Spectre.Console;
using System.CommandLine;
using System.Text;
using System.Text.Json;
using Omni.Cli.Http;
using Omni.Cli.Output;

namespace Omni.Cli.Commands;

/// <summary>
/// <c>omni events tail</c>: prints the newest events, then polls <c>GET /api/events</c> (newest first, <c>from</c> a
/// lookback behind the newest event seen, following <c>continuation</c> while a page is all new) and prints each event
/// it has not printed before, once, until Ctrl-C. Events are ordered by <c>occurred_at</c>: one whose provider time is
/// older than the lookback when it arrives is not shown.
/// </summary>
public static class EventTail
{
    public static Command Build(GlobalOptions globals, CliEnvironment env)
    {
        var instance = new Option<string?>("--instance") { Description = "one instance (default: every instance the key may read)" };
        var lines = new Option<int>("--lines", "-n") { Description = "how many of the newest events to print first", DefaultValueFactory = _ => 10 };
        var lookback = new Option<int>("--lookback") { Description = "seconds behind the newest event each poll reads again (late arrivals)", DefaultValueFactory = _ => 300 };
        var command = new Command("tail", "follow new events live until Ctrl-C") { instance, lines, lookback };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var follower = new Follower(client, env, parse.GetValue(instance), parse.GetValue(globals.Json), TimeSpan.FromSeconds(parse.GetValue(lookback)));
            await follower.StartAsync(Math.Clamp(parse.GetValue(lines), 0, 500), ct);
            if (!parse.GetValue(globals.Json))
            {
                env.Console.MarkupLine("[grey]following new events; Ctrl-C to stop[/]");
            }

            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(env.PollInterval, ct);
                    await follower.PollAsync(ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The tail's state: the events printed (by id, with their time) and the newest time seen.</summary>
    private sealed class Follower(OmniClient client, CliEnvironment env, string? instance, bool json, TimeSpan lookback)
    {
        private const int PageSize = 100;
        private readonly Dictionary<string, DateTimeOffset> _printed = [];
        private DateTimeOffset _newest = DateTimeOffset.UtcNow;

        public async Task StartAsync(int lines, CancellationToken ct)
        {
            var page = await client.GetAsync(Path(null, null, Math.Max(lines, 1)), ct);
            var events = page.GetProperty("events").EnumerateArray().ToList();
            foreach (var e in events)
            {
                Remember(e);
            }

            foreach (var e in events.Take(lines).Reverse())
            {
                Print(e);
            }
        }

        public async Task PollAsync(CancellationToken ct)
        {
            var from = _newest - lookback;
            var fresh = new List<JsonElement>();
            string? continuation = null;
            do
            {
                var page = await client.GetAsync(Path(from, continuation, PageSize), ct);
                var events = page.GetProperty("events").EnumerateArray().ToList();
                var unseen = events.Where(e => !_printed.ContainsKey(EventView.Field(e, "event_id"))).ToList();
                fresh.AddRange(unseen);
                continuation = unseen.Count == events.Count && page.TryGetProperty("continuation", out var c) ? c.GetString() : null;
            }
            while (continuation is not null);

            foreach (var e in Enumerable.Reverse(fresh))
            {
                Remember(e);
                Print(e);
            }

            foreach (var old in _printed.Where(p => p.Value < from - lookback).Select(p => p.Key).ToList())
            {
                _printed.Remove(old);
            }
        }

        private void Remember(JsonElement e)
        {
            var time = DateTimeOffset.TryParse(EventView.Time(e), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.UtcNow;
            _printed[EventView.Field(e, "event_id")] = time;
            if (time > _newest)
            {
                _newest = time;
            }
        }

        private void Print(JsonElement e)
        {
            if (json)
            {
                env.WriteRaw(e.GetRawText());
            }
            else if (env.Console.Profile.Out.IsTerminal)
            {
                env.Console.MarkupLine(EventView.Line(e));
            }
            else
            {
                env.WriteRaw(EventView.PlainLine(e));
            }
        }

        private string Path(DateTimeOffset? from, string? continuation, int limit)
        {
            var query = new StringBuilder($"api/events?limit={limit}");
            EventsCommands.Append(query, "instance", instance);
            EventsCommands.Append(query, "from", from is { } f ? TimeArgument.Format(f) : null);
            EventsCommands.Append(query, "continuation", continuation);
            return query.ToString();
        }
    }
}
