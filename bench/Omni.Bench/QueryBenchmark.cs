using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Events;
using Omni.Local;
using Omni.Local.Emulator;
using Omni.Services.Events;
using Omni.Services.Storage;

namespace Omni.Bench;

/// <summary>
/// The read side: a folded conversation timeline of 1,000 events and an instance + time-window query of 1,000 events,
/// each over HTTP against a bare single-partition range query of the same rows in the same run; and GET /api/events
/// latency under 16 concurrent readers.
/// </summary>
internal static class QueryBenchmark
{
    private const string Key = "bench-query-key";
    private const string Instance = "bench";
    private const string Conversation = "5511900000000@s.whatsapp.net";
    private const int Total = 3000;
    private const int Repeats = 9;
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    public static async Task<QueryReport> RunAsync(int readers)
    {
        await using var azurite = await Azurite.StartAsync();
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Omni:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Omni:Storage:Prefix"] = "bq" + Guid.NewGuid().ToString("N")[..8],
            [$"Omni:Instances:{Instance}:Provider"] = "evolution",
            [$"Omni:Instances:{Instance}:WebhookSecret"] = "unused",
            ["Omni:Keys:bench:Secret"] = Key,
            ["Omni:Normalizer:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var app = OmniLocalApp.Build(["--environment", "Benchmark"], b => b.Configuration.AddInMemoryCollection(config));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = readers }) { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Add("x-functions-key", Key);

        // 3,000 events one second apart; every third is in the benchmarked conversation (1,000), the rest spread over 50
        // others. Every tenth event of the conversation is a reaction to the message before it, so the fold has work.
        var store = app.Services.GetRequiredService<EventStore>();
        await Phase.MeasureAsync("load", Total, 16, i => store.TryAddAsync(EventAt(i), CancellationToken.None));
        var storage = app.Services.GetRequiredService<OmniStorage>();

        var timelinePath = $"/api/conversations/{Instance}/{Uri.EscapeDataString(Conversation)}/timeline?limit=1000";
        var windowFrom = T0.AddSeconds(1000);
        var windowTo = T0.AddSeconds(2000);
        var windowPath = $"/api/events?instance={Instance}&limit=500&from={Uri.EscapeDataString(windowFrom.ToString("O", CultureInfo.InvariantCulture))}" +
                         $"&to={Uri.EscapeDataString(windowTo.ToString("O", CultureInfo.InvariantCulture))}";
        var conversationPrefix = EventStore.IndexPrefix(EventIndex.Conversation, Conversation);
        var windowPlan = new EventQuery { From = windowFrom, To = windowTo }.Plan();

        // Warm-up, then alternate Omni and bare per repeat.
        await TimelineAsync(http, timelinePath);
        await BareRangeAsync(storage, conversationPrefix, TableKeys.PrefixEnd(conversationPrefix));
        var timeline = new List<double>();
        var bareTimeline = new List<double>();
        var window = new List<double>();
        var bareWindow = new List<double>();
        for (var r = 0; r < Repeats; r++)
        {
            var omniFirst = r % 2 == 0;
            for (var side = 0; side < 2; side++)
            {
                if ((side == 0) == omniFirst)
                {
                    timeline.Add(await TimeAsync(() => TimelineAsync(http, timelinePath), 0));
                    window.Add(await TimeAsync(() => WindowAsync(http, windowPath), 1000));
                }
                else
                {
                    bareTimeline.Add(await TimeAsync(() => BareRangeAsync(storage, conversationPrefix, TableKeys.PrefixEnd(conversationPrefix)), 1000));
                    bareWindow.Add(await TimeAsync(() => BareRangeAsync(storage, windowPlan.Lower, windowPlan.Upper), 1000));
                }
            }
        }

        var listing = await Phase.MeasureAsync("GET /api/events", 800, readers, async i =>
        {
            using var response = await http.GetAsync(i % 2 == 0 ? $"/api/events?instance={Instance}&limit=50" : $"/api/events?instance={Instance}&conversation_id={Uri.EscapeDataString(Conversation)}&limit=50");
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        });

        await app.StopAsync();
        return new QueryReport(Median(timeline), Median(bareTimeline), Median(window), Median(bareWindow), readers,
            listing.Percentile(50), listing.Percentile(99), listing.PerSecond);
    }

    private static OmniEvent EventAt(int i)
    {
        var inConversation = i % 3 == 0;
        var n = i / 3;
        var reaction = inConversation && n % 10 == 9;
        var id = $"BENCHQ{i:D8}";
        return new OmniEvent
        {
            EventId = EventKey.ComputeEventId("evolution", Instance, id, reaction ? EventKinds.Reaction : EventKinds.Message),
            Channel = Channels.WhatsApp,
            Provider = "evolution",
            Instance = Instance,
            EventKind = reaction ? EventKinds.Reaction : EventKinds.Message,
            ContentType = reaction ? ContentTypes.Reaction : ContentTypes.Text,
            ProviderEventId = id,
            ProviderEventType = "messages.upsert",
            Shape = reaction ? "messages.upsert/reactionMessage" : "messages.upsert/conversation",
            ProviderMessageId = id,
            ConversationId = inConversation ? Conversation : $"55118{i % 50:D8}@s.whatsapp.net",
            SenderHandle = inConversation ? Conversation : $"55118{i % 50:D8}@s.whatsapp.net",
            SenderName = "Bench Sender",
            FromMe = i % 7 == 0,
            Text = reaction ? null : $"benchmark message {i} with a little text to make it a realistic size",
            TargetMessageId = reaction ? $"BENCHQ{i - 3:D8}" : null,
            ReactionEmoji = reaction ? "👍" : null,
            OccurredAt = T0.AddSeconds(i),
            ReceivedAt = T0.AddSeconds(i).AddMilliseconds(350),
            RawBlob = $"evolution/{Instance}/2026/01/05/00/{id}",
        };
    }

    private static async Task<int> TimelineAsync(HttpClient http, string path)
    {
        var body = await http.GetStringAsync(path);
        return body.Length > 0 ? 1 : 0;
    }

    private static async Task<int> WindowAsync(HttpClient http, string path)
    {
        using var first = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(path));
        var token = first.RootElement.GetProperty("continuation").GetString();
        using var second = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(path + "&continuation=" + Uri.EscapeDataString(token!)));
        return first.RootElement.GetProperty("events").GetArrayLength() + second.RootElement.GetProperty("events").GetArrayLength();
    }

    /// <summary>The bare storage equivalent: one single-partition range query of the same rows and the same columns (key and event JSON).</summary>
    private static async Task<int> BareRangeAsync(OmniStorage storage, string lowerExclusive, string upperExclusive)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Instance} and RowKey gt {lowerExclusive} and RowKey lt {upperExclusive}");
        var count = 0;
        await foreach (var _ in storage.Events.QueryAsync<TableEntity>(filter, 1000, ["RowKey", "Event", "EventBlob"]))
        {
            count++;
        }

        return count;
    }

    private static async Task<double> TimeAsync(Func<Task<int>> operation, int expectedRows)
    {
        var watch = Stopwatch.StartNew();
        var rows = await operation();
        var elapsed = watch.Elapsed.TotalMilliseconds;
        if (expectedRows > 0 && rows != expectedRows)
        {
            throw new InvalidOperationException($"expected {expectedRows} rows, read {rows}");
        }

        return elapsed;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}

internal sealed record QueryReport(
    double TimelineMs, double BareTimelineMs, double WindowMs, double BareWindowMs, int Readers, double ListP50, double ListP99, double ListPerSecond)
{
    public void AppendMarkdown(StringBuilder sb)
    {
        var ic = CultureInfo.InvariantCulture;
        var timelineRatio = TimelineMs / BareTimelineMs;
        var windowRatio = WindowMs / BareWindowMs;
        sb.AppendLine();
        sb.AppendLine("## Queries");
        sb.AppendLine();
        sb.AppendLine("3,000 events in one instance (one second apart; 1,000 in one conversation, a tenth of those reactions), median of 9");
        sb.AppendLine("runs, Omni and bare alternating. Omni = over loopback HTTP with a query key (parse, plan, read, deserialize, fold,");
        sb.AppendLine("serialize); bare = one single-partition range query of the same rows and columns (key + event JSON) with the Azure SDK.");
        sb.AppendLine();
        sb.AppendLine("| measure | Omni (ms) | bare (ms) | ratio | goal |");
        sb.AppendLine("|---|---|---|---|---|");
        sb.AppendLine(ic, $"| conversation timeline of 1,000 events (`GET …/timeline?limit=1000`, folded) | {TimelineMs:F0} | {BareTimelineMs:F0} | {timelineRatio:F2}× | ≤ 2× {(timelineRatio <= 2 ? "(met)" : "(**not met**)")} |");
        sb.AppendLine(ic, $"| instance + time window, 1,000 events (`GET /api/events?from=&to=`, 2 pages of 500) | {WindowMs:F0} | {BareWindowMs:F0} | {windowRatio:F2}× | ≤ 2× {(windowRatio <= 2 ? "(met)" : "(**not met**)")} |");
        sb.AppendLine();
        sb.AppendLine(ic, $"`GET /api/events` (limit 50; instance timeline and a conversation, alternating) under {Readers} concurrent readers, 800 requests:");
        sb.AppendLine(ic, $"p50 {ListP50:F1} ms, p99 {ListP99:F1} ms, {ListPerSecond:F0} requests/s.");
    }
}
