using System.Net.Http.Headers;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Webhooks;
using Omni.Local;
using Omni.Local.Emulator;
using Omni.Local.Queue;
using Omni.Services.Configuration;
using Omni.Services.Storage;

namespace Omni.Bench;

/// <summary>Omni.Local on a given Azurite, as the bench drives it: over loopback HTTP, its queue consumer drained by hand or running.</summary>
internal sealed class OmniUnderTest : IAsyncDisposable
{
    public const string Instance = "bench";
    public const string Secret = "bench-secret";
    public const string QueryKey = "bench-query-key";

    /// <summary>A Discord instance beside the Evolution one: relay frames are posted to it (no bot token, so no relay runs).</summary>
    public const string DiscordInstance = "bench-discord";
    public static readonly string DiscordSecret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("omni-bench-discord-relay-secret!"));

    /// <summary>A Telegram bot and a Slack app beside them: Bot API updates and Events API deliveries are posted to them.</summary>
    public const string TelegramInstance = "bench-telegram";
    public const string TelegramSecret = "bench-telegram-secret_token";
    public const string SlackInstance = "bench-slack";
    public const string SlackSecret = "bench-slack-signing-secret";

    private OmniUnderTest(WebApplication app, HttpClient http, QueueClient workflowRuns)
    {
        App = app;
        Http = http;
        WorkflowRuns = workflowRuns;
        Counter = app.Services.GetRequiredService<StorageOperationCounter>();
        Consumer = app.Services.GetRequiredService<IngestQueueConsumer>();
    }

    public WebApplication App { get; }
    public HttpClient Http { get; }
    public QueueClient WorkflowRuns { get; }
    public StorageOperationCounter Counter { get; }
    public IngestQueueConsumer Consumer { get; }

    /// <param name="normalizerRunning">Whether Omni.Local's hosted queue consumer runs (else the bench drains the ingest queue by hand).</param>
    /// <param name="runWorkflows">Whether the workflow runner runs with it (else the bench empties workflow-runs in its stead).</param>
    public static async Task<OmniUnderTest> StartAsync(Azurite azurite, int concurrency, bool normalizerRunning, bool runWorkflows = false)
    {
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Omni:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Omni:Storage:Prefix"] = "bo",
            [$"Omni:Instances:{Instance}:Provider"] = "evolution",
            [$"Omni:Instances:{Instance}:WebhookSecret"] = Secret,
            [$"Omni:Instances:{DiscordInstance}:Provider"] = "discord",
            [$"Omni:Instances:{DiscordInstance}:WebhookSecret"] = DiscordSecret,
            [$"Omni:Instances:{DiscordInstance}:BotUserId"] = DiscordPayloads.BotUserId,
            [$"Omni:Instances:{TelegramInstance}:Provider"] = "telegram",
            [$"Omni:Instances:{TelegramInstance}:WebhookSecret"] = TelegramSecret,
            [$"Omni:Instances:{SlackInstance}:Provider"] = "slack",
            [$"Omni:Instances:{SlackInstance}:WebhookSecret"] = SlackSecret,
            ["Omni:Keys:bench:Secret"] = QueryKey,
            ["Omni:Normalizer:Enabled"] = normalizerRunning ? "true" : "false",
            ["Omni:Normalizer:RunWorkflows"] = runWorkflows ? "true" : "false",
            ["Omni:Reconcile:Enabled"] = "false", // its sweep (once a minute) is not what is measured
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = OmniLocalApp.Build(["--environment", "Benchmark"], b => b.Configuration.AddInMemoryCollection(config));
        var counter = app.Services.GetRequiredService<StorageOperationCounter>();
        counter.QueuePort = azurite.QueuePort;
        counter.TablePort = azurite.TablePort;
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = new Uri(address) };
        var workflowRuns = new QueueClient(azurite.ConnectionString, app.Services.GetRequiredService<OmniStorage>().Names.WorkflowRunsQueue);
        await workflowRuns.CreateIfNotExistsAsync();
        return new OmniUnderTest(app, http, workflowRuns);
    }

    /// <summary>
    /// Posts one payload as its sender does: Evolution with <c>x-webhook-secret</c>; a Discord dispatch frame as the gateway
    /// relay does (Standard Webhooks: <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c> with the whsec_ secret);
    /// a Telegram update with <c>X-Telegram-Bot-Api-Secret-Token</c>; a Slack delivery signed v0 with the signing secret.
    /// </summary>
    public async Task PostAsync(byte[] body, BenchChannel channel = BenchChannel.Evolution)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var path = channel switch
        {
            BenchChannel.Discord => $"/api/webhooks/discord/{DiscordInstance}",
            BenchChannel.Telegram => $"/api/webhooks/telegram/{TelegramInstance}",
            BenchChannel.Slack => $"/api/webhooks/slack/{SlackInstance}",
            _ => $"/api/webhooks/evolution/{Instance}",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (channel == BenchChannel.Telegram)
        {
            request.Headers.Add(TelegramSecretTokenAuthentication.Header, TelegramSecret);
        }
        else if (channel == BenchChannel.Slack)
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            request.Headers.Add(SlackSignatureAuthentication.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(SlackSignatureAuthentication.SignatureHeader, SlackSignatureAuthentication.Sign(SlackSecret, timestamp, body));
        }
        else if (channel == BenchChannel.Discord)
        {
            var id = "gw_bench_" + Guid.NewGuid().ToString("N");
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            request.Headers.Add(StandardWebhooksAuthentication.IdHeader, id);
            request.Headers.Add(StandardWebhooksAuthentication.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(StandardWebhooksAuthentication.SignatureHeader, StandardWebhooksAuthentication.Sign(DiscordSecret, id, timestamp, body));
        }
        else
        {
            request.Headers.Add("x-webhook-secret", Secret);
        }

        using var response = await Http.SendAsync(request);
        if ((int)response.StatusCode != 202)
        {
            throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}");
        }
    }

    /// <summary>
    /// Drains the ingest queue with Omni.Local's consumer, batch by batch. The runner is off (it is not what is measured),
    /// so nothing consumes workflow-runs; the bench empties it after every batch in its stead (one request, not counted),
    /// because in Azurite every waiting message slows every queue operation of the account.
    /// </summary>
    public async Task<int> DrainAsync()
    {
        var total = 0;
        int received;
        while ((received = await Consumer.DrainOnceAsync(CancellationToken.None)) > 0)
        {
            total += received;
            await WorkflowRuns.ClearMessagesAsync();
        }

        return total;
    }

    /// <summary>Empties workflow-runs every <paramref name="interval"/> until cancelled (the runner's stead while the consumer runs by itself).</summary>
    public async Task EmptyWorkflowRunsAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await WorkflowRuns.ClearMessagesAsync(CancellationToken.None);
            await Task.Delay(interval, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>The bare storage operations Omni's ingest and normalize are built on, with the same client settings.</summary>
internal sealed class BareUnderTest
{
    private BareUnderTest(OmniStorage storage) => Storage = storage;

    public OmniStorage Storage { get; }

    public StorageOperationCounter Counter { get; } = new();

    public static async Task<BareUnderTest> StartAsync(Azurite azurite)
    {
        var counter = new StorageOperationCounter { QueuePort = azurite.QueuePort, TablePort = azurite.TablePort };
        var bare = new BareUnderTest(new OmniStorage(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = "bb" }, counter));
        await bare.Storage.EnsureCreatedAsync();
        return bare;
    }

    /// <summary>Blob put + queue put.</summary>
    public async Task PutAsync(byte[] body, string name)
    {
        await Storage.RawArchive.GetBlobClient(name).UploadAsync(new BinaryData(body),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } });
        await Storage.IngestQueue.SendMessageAsync(name);
    }

    /// <summary>The storage skeleton of normalizing: receive 16, then per message get the blob, insert a row, delete the message.</summary>
    public async Task<int> NormalizeAsync(int expected)
    {
        var total = 0;
        while (total < expected)
        {
            var batch = (await Storage.IngestQueue.ReceiveMessagesAsync(16, TimeSpan.FromSeconds(30))).Value;
            if (batch.Length == 0)
            {
                break;
            }

            await Task.WhenAll(batch.Select(async m =>
            {
                var blob = await Storage.RawArchive.GetBlobClient(m.MessageText).DownloadContentAsync();
                await Storage.Events.AddEntityAsync(new Azure.Data.Tables.TableEntity("bench", m.MessageText) { ["Event"] = blob.Value.Content.ToString() });
                await Storage.IngestQueue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }));
            total += batch.Length;
        }

        return total;
    }
}

/// <summary>The provider whose payloads a round posts.</summary>
internal enum BenchChannel
{
    Evolution,
    Discord,
    Telegram,
    Slack,
}

/// <summary>Evolution <c>messages.upsert</c> text payloads from 97 senders, distinct message ids.</summary>
internal static class Payloads
{
    /// <summary>The payloads of <paramref name="channel"/> (<see cref="Payloads"/>, <see cref="DiscordPayloads"/>, <see cref="TelegramPayloads"/>, <see cref="SlackPayloads"/>).</summary>
    public static byte[][] Make(BenchChannel channel, string prefix, int count, int offset = 0) => channel switch
    {
        BenchChannel.Discord => DiscordPayloads.Make(prefix, count, offset),
        BenchChannel.Telegram => TelegramPayloads.Make(prefix, count, offset),
        BenchChannel.Slack => SlackPayloads.Make(prefix, count, offset),
        _ => Make(prefix, count, offset),
    };

    /// <summary>A number per prefix, stable across runs (FNV-1a): picks a block of ids so prefixes never share one.</summary>
    public static uint Block(string prefix, uint blocks)
    {
        var hash = 2166136261u;
        foreach (var c in prefix)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash % blocks;
    }

    public const int Senders = 97;

    public static string MessageId(string prefix, int i) => $"{prefix}{i:D10}";

    public static byte[][] Make(string prefix, int count, int offset = 0) =>
        Enumerable.Range(offset, count).Select(i => Payload(MessageId(prefix, i), i)).ToArray();

    private static byte[] Payload(string id, int i) => Encoding.UTF8.GetBytes($$"""
        {"event":"messages.upsert","instance":"bench","data":{"key":{"remoteJid":"55119{{i % Senders:D8}}@s.whatsapp.net","fromMe":false,"id":"{{id}}"},
        "pushName":"Bench Sender","message":{"conversation":"benchmark message {{i}}"},"messageType":"conversation",
        "messageTimestamp":{{1764000000 + i}},"instanceId":"00000000-0000-0000-0000-000000000001","source":"android"},
        "date_time":"2025-11-24T12:00:00.000Z","sender":"5511988880000@s.whatsapp.net","apikey":"bench"}
        """);
}

/// <summary>
/// Discord gateway MESSAGE_CREATE dispatch frames (<c>{t, s, op, d}</c>, as the relay forwards them verbatim): guild text
/// messages from <see cref="Payloads.Senders"/> users, one channel each, numeric snowflake ids distinct per prefix.
/// </summary>
internal static class DiscordPayloads
{
    public const string BotUserId = "1300000000000000001";
    private const string Guild = "1290000000000000009";

    /// <summary>A snowflake per (prefix, i): the prefix picks a block of 10^9 ids (FNV-1a, stable across runs).</summary>
    public static string MessageId(string prefix, int i) =>
        (1_400_000_000_000_000_000L + (Payloads.Block(prefix, 1000) * 1_000_000_000L) + i).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static byte[][] Make(string prefix, int count, int offset = 0) =>
        Enumerable.Range(offset, count).Select(i => Frame(MessageId(prefix, i), i)).ToArray();

    private static byte[] Frame(string id, int i)
    {
        var sender = i % Payloads.Senders;
        var at = DateTimeOffset.FromUnixTimeSeconds(1764000000 + i).ToString("yyyy-MM-dd'T'HH:mm:ss'.000000+00:00'", System.Globalization.CultureInfo.InvariantCulture);
        return Encoding.UTF8.GetBytes($$$"""
            {"t":"MESSAGE_CREATE","s":{{{i + 1}}},"op":0,"d":{"type":0,"tts":false,"timestamp":"{{{at}}}","pinned":false,"mentions":[],"mention_roles":[],
            "mention_everyone":false,"member":{"roles":[],"joined_at":"2025-01-01T00:00:00.000000+00:00","deaf":false,"mute":false},"id":"{{{id}}}","flags":0,
            "embeds":[],"edited_timestamp":null,"content":"benchmark message {{{i}}}","components":[],"channel_id":"{{{1280000000000000000L + sender}}}",
            "author":{"id":"{{{1270000000000000000L + sender}}}","username":"bench.sender{{{sender}}}","global_name":"Bench Sender","discriminator":"0","avatar":null,"public_flags":0},
            "attachments":[],"guild_id":"{{{Guild}}}"}}
            """);
    }
}

/// <summary>
/// Telegram Bot API updates (<c>{update_id, message}</c>, as setWebhook delivers them): private text messages from
/// <see cref="Payloads.Senders"/> users, each in their own chat; the update id (what names the event) distinct per prefix.
/// </summary>
internal static class TelegramPayloads
{
    public static long UpdateId(string prefix, int i) => 100_000_000L + (Payloads.Block(prefix, 1000) * 1_000_000L) + i;

    public static byte[][] Make(string prefix, int count, int offset = 0) =>
        Enumerable.Range(offset, count).Select(i => Update(UpdateId(prefix, i), i)).ToArray();

    private static byte[] Update(long updateId, int i)
    {
        var sender = 5_000_000_000L + (i % Payloads.Senders);
        return Encoding.UTF8.GetBytes($$$"""
            {"update_id":{{{updateId}}},"message":{"message_id":{{{i + 1}}},"date":{{{1764000000 + i}}},
            "from":{"id":{{{sender}}},"is_bot":false,"first_name":"Bench","last_name":"Sender","language_code":"pt-br"},
            "chat":{"id":{{{sender}}},"first_name":"Bench","last_name":"Sender","type":"private"},"text":"benchmark message {{{i}}}"}}
            """);
    }
}

/// <summary>
/// Slack Events API deliveries (<c>event_callback</c> envelopes with a channel <c>message</c>): <see cref="Payloads.Senders"/>
/// users in one channel; <c>ts</c> (what names a message event, with the channel) and <c>event_id</c> distinct per prefix.
/// </summary>
internal static class SlackPayloads
{
    public static string Ts(string prefix, int i) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{1764000000 + Payloads.Block(prefix, 1000) * 100_000 + i}.{i % 1_000_000:D6}");

    public static byte[][] Make(string prefix, int count, int offset = 0) =>
        Enumerable.Range(offset, count).Select(i => Delivery(prefix, i)).ToArray();

    private static byte[] Delivery(string prefix, int i)
    {
        var ts = Ts(prefix, i);
        return Encoding.UTF8.GetBytes($$"""
            {"token":"bench-verification-token","team_id":"T0BENCH01","api_app_id":"A0BENCH01",
            "event":{"type":"message","user":"U0BENCH{{i % Payloads.Senders:D3}}","text":"benchmark message {{i}}","ts":"{{ts}}","team":"T0BENCH01",
            "channel":"C0BENCH001","event_ts":"{{ts}}","channel_type":"channel","client_msg_id":"00000000-0000-4000-8000-{{i:D12}}"},
            "type":"event_callback","event_id":"Ev0{{prefix}}{{i:D10}}","event_time":{{ts[..ts.IndexOf('.', StringComparison.Ordinal)]}},
            "authorizations":[{"enterprise_id":null,"team_id":"T0BENCH01","user_id":"U0BENCHBOT","is_bot":true,"is_enterprise_install":false}],
            "is_ext_shared_channel":false,"event_context":"4-bench"}
            """);
    }
}

