using System.Text.Json;
using Omni.Relay.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Omni.Relay.Tests;

/// <summary>The relay's gateway session against the fake gateway: identify, resume, reconnect, invalid session, zombies.</summary>
public class GatewaySessionTests
{
    [Fact]
    public async Task Identify_FirstConnection_SendsTokenIntentsAndShardOnV10Json()
    {
        await using var h = await RelayHarness.StartAsync();
        h.StartRelay();
        await h.ConnectedAsync();

        var identify = Assert.Single(h.Gateway.ClientPayloads(2)).GetProperty("d");
        Assert.Equal(RelayHarness.BotToken, identify.GetProperty("token").GetString());
        Assert.Equal(65025, identify.GetProperty("intents").GetInt32());
        Assert.Equal("[0,1]", identify.GetProperty("shard").GetRawText());
        Assert.Contains("v=10", h.Gateway.ConnectionQueries.First(), StringComparison.Ordinal);
        Assert.Contains("encoding=json", h.Gateway.ConnectionQueries.First(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DroppedSocket_Resumes_EveryDispatchDeliveredOnceVerbatim()
    {
        await using var h = await RelayHarness.StartAsync();
        h.StartRelay();
        await h.ConnectedAsync();
        var session = h.Gateway.CurrentSession!;
        for (var i = 1; i <= 3; i++)
        {
            await h.Gateway.MessageAsync("500", $"{1000 + i}");
        }

        await h.SessionDeliveredAsync(session); // READY + 3 messages: sequence 4 is buffered

        await h.Gateway.DropAsync();
        await h.Gateway.MessageAsync("500", "1004"); // while the socket is down: only a RESUME brings these
        await h.Gateway.MessageAsync("500", "1005");
        await RelayHarness.Eventually(() => h.Gateway.Resumes >= 1, "a RESUME");
        await h.ConnectedAsync();
        await h.Gateway.MessageAsync("500", "1006");
        await h.SessionDeliveredAsync(session);

        Assert.Equal(1, h.Gateway.Identifies);
        var resume = h.Gateway.ClientPayloads(6).First().GetProperty("d");
        Assert.Equal(session, resume.GetProperty("session_id").GetString());
        Assert.Equal(4, resume.GetProperty("seq").GetInt64());
        Assert.Equal(RelayHarness.BotToken, resume.GetProperty("token").GetString());
        h.AssertSessionDeliveredExactlyOnce(session);
    }

    [Fact]
    public async Task Op7Reconnect_ResumesOnResumeGatewayUrl_WithoutIdentify()
    {
        await using var h = await RelayHarness.StartAsync();
        h.StartRelay();
        await h.ConnectedAsync();
        var session = h.Gateway.CurrentSession!;
        await h.Gateway.MessageAsync("500", "2001");
        await h.SessionDeliveredAsync(session);

        await h.Gateway.SendReconnectAsync();
        await h.Gateway.MessageAsync("500", "2002");
        await RelayHarness.Eventually(() => h.Gateway.Resumes >= 1, "a RESUME after op 7");
        await h.ConnectedAsync();
        await h.SessionDeliveredAsync(session);

        Assert.Equal(1, h.Gateway.Identifies);
        Assert.True(h.Gateway.Connections >= 2);
        h.AssertSessionDeliveredExactlyOnce(session);
    }

    [Fact]
    public async Task InvalidSession_Reidentifies_AndBackfillsTheGapOverRest()
    {
        await using var h = await RelayHarness.StartAsync();
        // The messages Discord holds for channel 500 after 3002, the last one the relay saw; out of order on purpose.
        h.Discord.Given(Request.Create().WithPath("/api/v10/channels/500/messages").WithParam("after", "3002").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """[{"id":"3004","channel_id":"500","content":"four","author":{"id":"42"},"timestamp":"2026-12-05T08:00:04.000000+00:00"},{"id":"3003","channel_id":"500","content":"three","author":{"id":"42"},"timestamp":"2026-12-05T08:00:03.000000+00:00"}]"""));
        h.StartRelay();
        await h.ConnectedAsync();
        var first = h.Gateway.CurrentSession!;
        await h.Gateway.MessageAsync("500", "3001");
        await h.Gateway.MessageAsync("500", "3002");
        await h.SessionDeliveredAsync(first);

        await h.Gateway.InvalidateSessionAsync();
        await RelayHarness.Eventually(() => h.Gateway.Identifies == 2, "a second IDENTIFY");
        await RelayHarness.Eventually(() => h.Omni.Accepted.Count(d => d.WebhookId.StartsWith("bf_", StringComparison.Ordinal)) == 2, "two backfilled messages");

        var second = h.Gateway.CurrentSession!;
        Assert.NotEqual(first, second);
        await h.SessionDeliveredAsync(second);
        h.AssertSessionDeliveredExactlyOnce(first);
        h.AssertSessionDeliveredExactlyOnce(second);
        var backfilled = h.Omni.Accepted.Where(d => d.WebhookId.StartsWith("bf_", StringComparison.Ordinal)).ToList();
        Assert.Equal(["bf_500_3003", "bf_500_3004"], backfilled.Select(d => d.WebhookId));
        using var frame = JsonDocument.Parse(backfilled[0].Body);
        Assert.Equal(0, frame.RootElement.GetProperty("op").GetInt32());
        Assert.Equal("MESSAGE_CREATE", frame.RootElement.GetProperty("t").GetString());
        Assert.Equal(JsonValueKind.Null, frame.RootElement.GetProperty("s").ValueKind);
        Assert.Equal("3003", frame.RootElement.GetProperty("d").GetProperty("id").GetString());
        Assert.Equal("900", frame.RootElement.GetProperty("d").GetProperty("guild_id").GetString()); // REST leaves it out
        Assert.True(frame.RootElement.GetProperty("omni_relay").GetProperty("backfill").GetBoolean());
        Assert.Equal("3002", frame.RootElement.GetProperty("omni_relay").GetProperty("after").GetString());
        Assert.Equal("3004", h.Relay!.Shards[0].State.Channels["500"].LastMessageId);
    }

    [Fact]
    public async Task MissingHeartbeatAck_DropsTheZombieConnection_AndResumes()
    {
        await using var h = await RelayHarness.StartAsync();
        h.Gateway.HeartbeatIntervalMs = 100;
        h.StartRelay();
        await h.ConnectedAsync();
        var session = h.Gateway.CurrentSession!;
        await h.Gateway.MessageAsync("500", "4001");
        await h.SessionDeliveredAsync(session);

        h.Gateway.AckHeartbeats = false;
        await RelayHarness.Eventually(() => h.Gateway.Resumes >= 1, "a RESUME after the zombie connection is dropped");
        h.Gateway.AckHeartbeats = true;
        await h.ConnectedAsync();
        await h.Gateway.MessageAsync("500", "4002");
        await h.SessionDeliveredAsync(session);

        Assert.Equal(1, h.Gateway.Identifies);
        Assert.True(h.Gateway.ClientPayloads(1).Any(), "heartbeats were sent");
        h.AssertSessionDeliveredExactlyOnce(session);
    }

    [Fact]
    public async Task Restart_ResumesFromPersistedState_NothingLostNothingDoubled()
    {
        await using var h = await RelayHarness.StartAsync();
        h.StartRelay();
        await h.ConnectedAsync();
        var session = h.Gateway.CurrentSession!;
        for (var i = 1; i <= 3; i++)
        {
            await h.Gateway.MessageAsync("500", $"{5000 + i}");
        }

        await h.SessionDeliveredAsync(session);
        await h.StopRelayAsync();
        await RelayHarness.Eventually(() => !h.Gateway.IsConnected, "the old socket to close");
        await h.Gateway.MessageAsync("500", "5004"); // while the relay is down
        await h.Gateway.MessageAsync("500", "5005");

        h.StartRelay(); // a new process: everything it knows comes from the state directory
        await RelayHarness.Eventually(() => h.Gateway.Resumes >= 1, "the restarted relay to RESUME");
        await h.ConnectedAsync();
        await h.SessionDeliveredAsync(session);

        Assert.Equal(1, h.Gateway.Identifies);
        Assert.Equal(4, h.Gateway.ClientPayloads(6).First().GetProperty("d").GetProperty("seq").GetInt64());
        Assert.StartsWith("/resume?", h.Gateway.ConnectionQueries.Skip(1).First(), StringComparison.Ordinal); // resume_gateway_url, saved
        h.AssertSessionDeliveredExactlyOnce(session);
    }

    [Fact]
    public async Task Restart_AfterTheSessionExpired_IdentifiesAndBackfills()
    {
        await using var h = await RelayHarness.StartAsync();
        h.Discord.Given(Request.Create().WithPath("/api/v10/channels/510/messages").WithParam("after", "6002").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(
                """[{"id":"6003","channel_id":"510","content":"while the relay was down","author":{"id":"42"},"timestamp":"2026-12-05T08:00:03.000000+00:00"}]"""));
        h.StartRelay();
        await h.ConnectedAsync();
        var first = h.Gateway.CurrentSession!;
        await h.Gateway.MessageAsync("510", "6001");
        await h.Gateway.MessageAsync("510", "6002");
        await h.SessionDeliveredAsync(first);
        await h.StopRelayAsync();
        await RelayHarness.Eventually(() => !h.Gateway.IsConnected, "the old socket to close");
        await h.Gateway.InvalidateSessionAsync(); // Discord no longer knows the session when the relay comes back

        h.StartRelay();
        await RelayHarness.Eventually(() => h.Gateway.Identifies == 2, "a new IDENTIFY after the RESUME is refused");
        await RelayHarness.Eventually(() => h.Omni.Accepted.Any(d => d.WebhookId == "bf_510_6003"), "the backfilled message");

        Assert.True(h.Gateway.Resumes >= 1, "the restarted relay tried to RESUME first");
        h.AssertSessionDeliveredExactlyOnce(first);
        Assert.Single(h.Omni.Accepted, d => d.WebhookId == "bf_510_6003");
    }

    [Fact]
    public async Task AuthenticationFailedClose_StopsTheShard_AndHealthIsUnhealthy()
    {
        await using var h = await RelayHarness.StartAsync();
        h.StartRelay();
        await h.ConnectedAsync();

        await h.Gateway.CloseAsync(4004);
        await RelayHarness.Eventually(() => h.Relay!.Shards[0].Status == Omni.Relay.Gateway.ShardStatus.Failed, "the shard to stop");
        await Task.Delay(150);

        Assert.Equal(1, h.Gateway.Connections); // no reconnect: a bad token fails the same way every time
        var health = await new Omni.Relay.Hosting.RelayHealthCheck([h.Relay!], new Dictionary<string, string>(), TimeProvider.System)
            .CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, health.Status);
        Assert.Contains("shard stopped", health.Description, StringComparison.Ordinal);
    }
}
