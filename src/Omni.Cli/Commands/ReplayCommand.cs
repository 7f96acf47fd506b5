using System.CommandLine;
using System.Text.Json;
using Omni.Cli.Http;
using Spectre.Console;

namespace Omni.Cli.Commands;

/// <summary>
/// <c>omni replay --instance X --since 24h</c> (or <c>--from/--to</c>): <c>POST /api/replay</c> re-enqueues the
/// window's archived payloads; the route answers how many, not its progress, so the command then shows a progress bar
/// fed by what Omni does offer: the ingest queue's depth in <c>GET /api/health</c>, until it is empty.
/// </summary>
public static class ReplayCommand
{
    public static Command Build(GlobalOptions globals, CliEnvironment env)
    {
        var instance = new Option<string>("--instance") { Description = "the instance to replay", Required = true };
        var since = new Option<string?>("--since") { Description = "the window's start as a duration ago (24h, 7d) or an ISO-8601 time" };
        var from = new Option<string?>("--from") { Description = "the window's start (ISO-8601 or a duration ago)" };
        var to = new Option<string?>("--to") { Description = "the window's end, exclusive (default: now)" };
        var noWait = new Option<bool>("--no-wait") { Description = "do not wait for the ingest queue to drain" };
        var timeout = new Option<int>("--timeout") { Description = "seconds to wait for the queue to drain", DefaultValueFactory = _ => 300 };
        var command = new Command("replay", "re-normalize archived payloads of a time window (POST /api/replay)") { instance, since, from, to, noWait, timeout };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            var start = (parse.GetValue(since) ?? parse.GetValue(from)) is { } s
                ? TimeArgument.Parse(s, now)
                : throw new UsageException("give --since (e.g. 24h) or --from");
            var end = parse.GetValue(to) is { } t ? TimeArgument.Parse(t, now) : now.AddSeconds(1);
            var body = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["instance"] = parse.GetValue(instance)!,
                ["from"] = TimeArgument.Format(start),
                ["to"] = TimeArgument.Format(end),
            });
            var answer = await client.SendAsync(HttpMethod.Post, "api/replay", body, "application/json", ct);
            var replayed = answer.GetProperty("replayed").GetInt32();
            if (parse.GetValue(globals.Json))
            {
                env.WriteRaw(answer.GetRawText());
                return ExitCodes.Ok;
            }

            env.Console.MarkupLine($"replayed [bold]{replayed}[/] archived payload(s) of {Markup.Escape(parse.GetValue(instance)!)} received in [[{TimeArgument.Format(start)}, {TimeArgument.Format(end)})");
            if (replayed > 0 && !parse.GetValue(noWait))
            {
                var drained = await WaitForQueueAsync(client, env, replayed, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct);
                env.Console.MarkupLine(drained ? "the ingest queue is empty: replayed events are stored" : "[yellow]the ingest queue did not drain in time[/]");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>How long Omni may answer a cached health result (its default <c>Omni:Health:CacheFor</c>, plus a margin).</summary>
    private static readonly TimeSpan HealthCacheFor = TimeSpan.FromSeconds(6);

    /// <summary>Shows progress as the ingest queue drains (its depth counts every instance's messages, so it is an upper bound).</summary>
    private static async Task<bool> WaitForQueueAsync(OmniClient client, CliEnvironment env, int replayed, TimeSpan timeout, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var deadline = started + timeout;
        var drained = false;
        await env.Console.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("normalizing", maxValue: replayed);
            while (DateTimeOffset.UtcNow < deadline)
            {
                var depth = await QueueDepthAsync(client, ct);
                task.Value = replayed - Math.Min(depth ?? 0, replayed);
                // GET /api/health is cached (Omni:Health:CacheFor, 5 s by default): an empty queue counts only once
                // the answer is fresher than the replay.
                if (depth is null || (depth == 0 && DateTimeOffset.UtcNow - started > HealthCacheFor))
                {
                    drained = depth == 0;
                    break;
                }

                await Task.Delay(env.PollInterval, ct);
            }
        });
        return drained;
    }

    /// <summary>The ingest queue's depth from <c>GET /api/health</c> (which answers 503 when unhealthy, still with its checks).</summary>
    private static async Task<int?> QueueDepthAsync(OmniClient client, CancellationToken ct)
    {
        JsonElement health;
        try
        {
            health = await client.GetAsync("api/health", ct);
        }
        catch (OmniApiException)
        {
            return null;
        }

        return health.TryGetProperty("checks", out var checks) && checks.TryGetProperty("queue", out var queue)
               && queue.TryGetProperty("depth", out var depth) && depth.TryGetInt32(out var n) ? n : null;
    }
}
