using System.Text;
using Omni.Services.Connections.Discord;

namespace Omni.Services.Tests.Actions;

/// <summary>The pure decisions of the Discord connection, called directly: handshakes, rate-limit headers, error bodies, tokens, content.</summary>
public sealed class DiscordRulesTests
{
    [Theory]
    [InlineData("""{"id": "1", "application_id": "2", "type": 1, "token": "t", "version": 1}""", 200, """{"type":1}""", false)]
    [InlineData("""{"id": "1", "application_id": "2", "type": 2, "token": "t", "data": {"name": "ask"}}""", 200, """{"type":5}""", true)]
    [InlineData("""{"id": "1", "application_id": "2", "type": 3, "token": "t", "data": {"custom_id": "b"}}""", 200, """{"type":5}""", true)]
    [InlineData("""{"id": "1", "application_id": "2", "type": 5, "token": "t", "data": {"custom_id": "m"}}""", 200, """{"type":5}""", true)]
    [InlineData("""{"id": "1", "application_id": "2", "type": 4, "token": "t", "data": {"name": "ask"}}""", 200, """{"type":8,"data":{"choices":[]}}""", true)]
    [InlineData("""{"version": 1, "application_id": "2", "type": 0}""", 204, "{}", false)]
    [InlineData("""{"version": 1, "application_id": "2", "type": 1, "event": {"type": "ENTITLEMENT_CREATE", "timestamp": "2024-10-18T18:41:21.109604", "data": {}}}""", 204, "{}", true)]
    public void Handshake_DiscordDeliveries_AnsweredAsDiscordExpects(string body, int status, string answer, bool archive)
    {
        var handshake = DiscordHandshakes.Answer(Encoding.UTF8.GetBytes(body));
        Assert.NotNull(handshake);
        Assert.Equal((status, archive), (handshake.StatusCode, handshake.Archive));
        Assert.Equal(answer, System.Text.Json.JsonSerializer.Serialize(handshake.Body));
    }

    [Theory]
    [InlineData("""{"op": 0, "t": "INTERACTION_CREATE", "s": 1, "d": {"id": "1", "type": 1, "token": "t"}}""")]
    [InlineData("""{"op": 0, "t": "MESSAGE_CREATE", "s": 1, "d": {"id": "1"}}""")]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public void Handshake_RelayFramesAndAnythingElse_ArchivedAndAnswered202(string body) =>
        Assert.Null(DiscordHandshakes.Answer(Encoding.UTF8.GetBytes(body)));

    [Theory]
    [InlineData("0", "64.57", 64.57)]
    [InlineData("0", "1", 1.0)]
    [InlineData("4", "1", null)]
    [InlineData("0", null, null)]
    [InlineData(null, "3", null)]
    [InlineData("0", "-1", null)]
    public void ExhaustedFor_OnlyWhenNothingRemainsAndAResetIsGiven(string? remaining, string? resetAfter, double? seconds) =>
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, DiscordRateLimits.ExhaustedFor(remaining, resetAfter));

    [Fact]
    public void DiscordError_ReadsMessageCodeRetryAfterAndGlobal()
    {
        Assert.Equal(new DiscordError("Missing Access", 50001, null, false), DiscordError.Parse("""{"message": "Missing Access", "code": 50001}"""));
        Assert.Equal(new DiscordError("You are being rate limited.", null, TimeSpan.FromSeconds(64.57), true),
            DiscordError.Parse("""{"message": "You are being rate limited.", "retry_after": 64.57, "global": true}"""));
        Assert.Equal("<html>502</html>", DiscordError.Parse("<html>502</html>").Message);
        Assert.Equal(301, DiscordError.Parse(new string('x', 400)).Message.Length);
    }

    [Fact]
    public void InteractionToken_FromTheInteractionOrTheRelaysFrame_OnlyForTheSameId()
    {
        var http = BinaryData.FromString("""{"id": "11", "application_id": "22", "type": 2, "token": "tok"}""");
        var frame = BinaryData.FromString("""{"op": 0, "t": "INTERACTION_CREATE", "s": 4, "d": {"id": "11", "application_id": "22", "type": 2, "token": "tok"}}""");
        Assert.Equal(("22", "tok"), DiscordInteractionToken.Find(http, "11"));
        Assert.Equal(("22", "tok"), DiscordInteractionToken.Find(frame, "11"));
        Assert.Equal((null, null), DiscordInteractionToken.Find(http, "12"));
        Assert.Equal((null, null), DiscordInteractionToken.Find(BinaryData.FromString("nope"), "11"));
    }

    [Fact]
    public void Content_CutAt2000WithoutSplittingASurrogatePair()
    {
        Assert.Equal(("short", false), DiscordSender.Content("short"));
        var (cut, wasCut) = DiscordSender.Content(new string('a', 1998) + "😀" + "tail");
        Assert.True(wasCut);
        Assert.True(cut.Length <= 2000);
        Assert.False(char.IsHighSurrogate(cut[^2]));
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
    }
}
