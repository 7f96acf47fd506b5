using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Local.Tests.Support;
using Omni.Relay.Hosting;
using Omni.Relay.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Omni.Local.Tests;

/// <summary>
/// Issue 13's acceptance, end to end: the gateway relay hosted in a real Omni.Local (as <c>scripts/run.sh</c> runs it),
/// reading a fake Discord gateway on loopback and posting to Omni through a loopback proxy that can make Omni unreachable.
/// While MESSAGE_CREATE dispatches keep coming the socket drops twice (RESUME replays what was missed), Omni's answers are
/// lost for a few deliveries (Omni accepted them, the relay retries them under the same webhook id) and Omni is
/// unreachable for 2.5 s ("30 s" scaled down). Every message ends as exactly one event read back through GET /api/events.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DiscordRelayEndToEndTests(AzuriteFixture azurite)
{
    private const string Guild = "1290000000000000009";
    private const string Channel = "1280000000000000002";
    private const string Ana = "1270000000000000001";
    private const long FirstMessage = 1_400_000_000_000_000_000;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2.5);

    [Fact]
    public async Task RelayToRealOmni_DroppedSocketsLostAnswersAndOmniUnreachable_EveryMessageExactlyOneEvent()
    {
        await using var gateway = await FakeGateway.StartAsync();
        using var discord = WireMockServer.Start();
        discord.Given(Request.Create().WithPath("/api/v10/gateway/bot").UsingGet().WithHeader("Authorization", "Bot " + DiscordWire.BotToken))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                $$$"""{"url":"{{{gateway.Url.AbsoluteUri.TrimEnd('/')}}}","shards":1,"session_start_limit":{"total":1000,"remaining":999,"reset_after":14400000,"max_concurrency":1}}"""));
        await using var proxy = LoopbackProxy.Start();
        proxy.GoDown(); // up once Omni's address is known
        var state = Directory.CreateTempSubdirectory("omni-relay-e2e-");
        var settings = DiscordWire.Settings(apiBaseUrl: discord.Url + "/api/v10/");
        settings["Omni:Relay:OmniBaseUrl"] = proxy.BaseUrl.AbsoluteUri;
        settings["Omni:Relay:DiscordApiBaseUrl"] = discord.Url + "/api/v10/";
        settings["Omni:Relay:StateDirectory"] = state.FullName;
        settings["Omni:Relay:ReconnectMinDelay"] = "00:00:00.020";
        settings["Omni:Relay:ReconnectMaxDelay"] = "00:00:00.200";
        settings["Omni:Relay:DeliveryMinDelay"] = "00:00:00.020";
        settings["Omni:Relay:DeliveryMaxDelay"] = "00:00:00.200";
        settings["Omni:Relay:DeliveryTimeout"] = "00:00:30"; // never expires here: lost answers are the proxy's doing
        settings["Omni:Relay:IdentifyInterval"] = "00:00:00.020";

        try
        {
            await using var host = await OmniHost.StartAsync(azurite, settings: settings);
            proxy.Target = host.Client.BaseAddress;
            proxy.GoUp();
            var relay = (await OmniHost.EventuallyAsync(
                () => Task.FromResult(host.Services.GetRequiredService<DiscordRelayService>().Relays.SingleOrDefault()), r => r is not null, "the hosted relay"))!;
            await OmniHost.EventuallyAsync(() => Task.FromResult(gateway.CurrentSession is not null && gateway.IsConnected), c => c, "the relay to identify");
            var session = gateway.CurrentSession!;

            var next = 0;
            async Task MessagesAsync(int count, int delayMs, Func<int, Task>? after = null)
            {
                for (var i = 0; i < count; i++)
                {
                    next++;
                    await gateway.DispatchAsync("MESSAGE_CREATE", MessageData(next));
                    if (after is not null)
                    {
                        await after(next);
                    }

                    await Task.Delay(delayMs);
                }
            }

            // Omni up; the socket drops after the 5th (RESUME replays what was dispatched meanwhile).
            await MessagesAsync(10, 20, n => n == 5 ? gateway.DropAsync() : Task.CompletedTask);
            await OmniHost.EventuallyAsync(() => Task.FromResult(relay.Buffer.Depth), d => d == 0, "the first frames to be delivered");

            // Omni's answers lost: Omni accepted these frames, the relay never saw the 2xx and sends them again, same webhook id.
            proxy.SwallowResponses(3);
            await MessagesAsync(5, 20);
            await OmniHost.EventuallyAsync(() => Task.FromResult(proxy.Swallowed), s => s == 3, "three answers to be lost");

            // Omni unreachable (connection refused) while 20 more arrive and the socket drops again.
            proxy.GoDown();
            var downUntil = DateTime.UtcNow + Outage;
            await MessagesAsync(20, 50, n => n == 25 ? gateway.DropAsync() : Task.CompletedTask);
            await OmniHost.EventuallyAsync(() => Task.FromResult(relay.Buffer.Depth), d => d >= 20, "the relay to buffer while Omni is unreachable");
            while (DateTime.UtcNow < downUntil)
            {
                await Task.Delay(50);
            }

            proxy.GoUp();
            await MessagesAsync(5, 20);
            const int total = 40;
            Assert.Equal(total, next);

            await OmniHost.EventuallyAsync(() => Task.FromResult(relay.Buffer.Depth), d => d == 0, "the buffer to drain");
            var messages = await OmniHost.EventuallyAsync(
                async () => MessageEvents(await host.ListEventsAsync(DiscordWire.Instance)), m => m.Count >= total, $"{total} message events");
            await OmniHost.EventuallyAsync(
                async () => (await host.Storage.IngestQueue.PeekMessagesAsync(1)).Value.Length, n => n == 0, "the ingest queue to drain");
            messages = MessageEvents(await host.ListEventsAsync(DiscordWire.Instance));

            var expected = Enumerable.Range(1, total).Select(MessageId).ToList();
            var seen = messages.Select(e => e.GetProperty("provider_message_id").GetString()!).OrderBy(id => id, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, seen); // none lost, none doubled
            Assert.All(messages, e => Assert.Equal((Channel, Ana, true), (e.GetProperty("conversation_id").GetString(),
                e.GetProperty("sender_handle").GetString(), e.GetProperty("is_group").GetBoolean())));
            Assert.Equal(messages.Count, messages.Select(e => e.GetProperty("text").GetString()).Distinct().Count());

            // The path really was the hard one: one session throughout, resumed at least twice, deliveries retried.
            Assert.Equal(1, gateway.Identifies);
            Assert.True(gateway.Resumes >= 2, $"{gateway.Resumes} resumes");
            Assert.Equal(session, gateway.CurrentSession);
            Assert.Equal(3, proxy.Swallowed);
            Assert.Empty(await host.ListDeadLettersAsync(DiscordWire.Instance));
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    private static List<JsonElement> MessageEvents(List<JsonElement> events) =>
        [.. events.Where(e => e.GetProperty("event_kind").GetString() == "message")];

    private static string MessageId(int n) => (FirstMessage + n).ToString(CultureInfo.InvariantCulture);

    private static string MessageData(int n) =>
        $$"""{"type":0,"tts":false,"timestamp":"2026-12-05T10:{{n / 60:D2}}:{{n % 60:D2}}.000000+00:00","pinned":false,"mentions":[],"mention_roles":[],"mention_everyone":false,"id":"{{MessageId(n)}}","flags":0,"embeds":[],"edited_timestamp":null,"content":"relayed message {{n}}","components":[],"channel_id":"{{Channel}}","guild_id":"{{Guild}}","author":{"id":"{{Ana}}","username":"ana.souza","global_name":"Ana Souza","discriminator":"0","avatar":null,"public_flags":0},"attachments":[]}""";
}
