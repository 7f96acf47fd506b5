using System.Text.Json;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Slack;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Tests.Normalization;

/// <summary>Shared normalization helpers at their edges: null arguments named, WhatsApp numbers and Unix times at their bounds.</summary>
public class NormalizationGuardTests
{
    [Fact]
    public void Mentions_NullArguments_ArgumentNullException_NamingTheParameter()
    {
        var e = SlackTestPayloads.Single(SlackTestPayloads.Callback("""{"type":"message","channel":"C1","user":"U0ANA","text":"hi","ts":"1.000001"}"""));

        Assert.Equal("e", Assert.Throws<ArgumentNullException>(() => Mentions.With(null!, ["U1"], _ => true)).ParamName);
        Assert.Equal("handles", Assert.Throws<ArgumentNullException>(() => Mentions.With(e, null!, _ => true)).ParamName);
        Assert.Equal("isMe", Assert.Throws<ArgumentNullException>(() => Mentions.With(e, ["U1"], null!)).ParamName);
    }

    [Fact]
    public void SlackNormalizer_NullPayload_ArgumentNullException() =>
        Assert.Equal("payload", Assert.Throws<ArgumentNullException>(() => new SlackNormalizer().Normalize(null!)).ParamName);

    [Theory]
    [InlineData("1500.7", 1500L)]
    [InlineData("-2.5", -2L)]
    [InlineData("9.1e18", 9_100_000_000_000_000_000L)]
    [InlineData("9.2e18", null)]
    [InlineData("1e19", null)]
    [InlineData("-1e19", null)]
    [InlineData("1e400", null)]
    public void ReadInt64_FractionalNumbers_TruncatedWithinLongRange_ElseNull(string json, long? expected)
    {
        Assert.Equal(expected, WaNumbers.ReadInt64(JsonDocument.Parse(json).RootElement));
    }

    [Fact]
    public void FromUnixSeconds_AtTheMillisecondsThreshold_ReadAsMilliseconds_JustBelowAsSeconds()
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(100_000_000_000), WaNumbers.FromUnixSeconds(100_000_000_000));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(99_999_999_999), WaNumbers.FromUnixSeconds(99_999_999_999));
        Assert.Null(WaNumbers.FromUnixSeconds(0));
    }

    [Fact]
    public void FromUnixMilliseconds_PositiveUpToTheLastSecondOfYear9999()
    {
        Assert.Null(WaNumbers.FromUnixMilliseconds(0));
        Assert.Equal(DateTimeOffset.UnixEpoch.AddMilliseconds(1), WaNumbers.FromUnixMilliseconds(1));
        Assert.Equal(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero), WaNumbers.FromUnixMilliseconds(253_402_300_799_000));
        Assert.Null(WaNumbers.FromUnixMilliseconds(253_402_300_799_001));
    }
}
