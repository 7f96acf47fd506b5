using System.Text;
using Omni.Engine.Events;
using Omni.Engine.Normalization;
using static Omni.Engine.Tests.Normalization.DiscordTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>What is a Discord payload, what is quarantined and why, and the determinism of the result.</summary>
public class DiscordEnvelopeTests
{
    [Fact]
    public void Provider_Always_IsDiscord()
    {
        Assert.Equal("discord", Normalizer().Provider);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n")]
    public void Normalize_EmptyBody_IsQuarantined(string body)
    {
        var result = Normalize(body);

        Assert.True(result.IsQuarantined);
        Assert.StartsWith("body is empty", result.QuarantineReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_NotUtf8_IsQuarantinedWithTheOffset()
    {
        var result = Normalizer().Normalize(Payload([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}']));

        Assert.Equal("body is not valid UTF-8: byte 0xC3 at offset 2 does not start a valid UTF-8 sequence", result.QuarantineReason);
    }

    [Fact]
    public void Normalize_NotJson_IsQuarantinedWithThePosition()
    {
        var result = Normalize("{\"op\":0,\"t\":\"MESSAGE_CREATE\",");

        Assert.True(result.IsQuarantined);
        Assert.StartsWith(JsonPayload.NotJson, result.QuarantineReason, StringComparison.Ordinal);
        Assert.Contains("line 1", result.QuarantineReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_TooDeep_IsQuarantinedWithTheDepth()
    {
        var body = string.Concat(Enumerable.Repeat("[", 70)) + string.Concat(Enumerable.Repeat("]", 70));

        var result = Normalize(body);

        Assert.Equal("body nests JSON 70 levels deep; the limit is 64", result.QuarantineReason);
    }

    [Theory]
    [InlineData("[]", "array")]
    [InlineData("\"MESSAGE_CREATE\"", "string")]
    [InlineData("42", "number")]
    [InlineData("null", "null")]
    public void Normalize_TopLevelNotAnObject_IsQuarantined(string body, string described)
    {
        var result = Normalize(body);

        Assert.Equal(
            $"body is a JSON {described} at the top level, not a Discord payload (a JSON object: a gateway frame, an interaction or a Webhook Event)",
            result.QuarantineReason);
    }

    [Fact]
    public void Normalize_ObjectOfNoDiscordShape_IsQuarantinedNamingItsProperties()
    {
        var result = Normalize("""{ "event": "messages.upsert", "data": {} }""".Replace("\"event\"", "\"evt\"", StringComparison.Ordinal));

        Assert.True(result.IsQuarantined);
        Assert.StartsWith("body is a JSON object but not a Discord payload", result.QuarantineReason, StringComparison.Ordinal);
        Assert.EndsWith("it has properties \"evt\", \"data\"", result.QuarantineReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_EmptyObject_IsQuarantined()
    {
        Assert.EndsWith("it has no properties", Normalize("{}").QuarantineReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_OpcodeNotAnInteger_IsQuarantined()
    {
        var result = Normalize("""{ "op": "zero", "t": "MESSAGE_CREATE", "d": {} }""");

        Assert.Equal("body is a gateway frame whose \"op\" is \"zero\", not an integer opcode", result.QuarantineReason);
    }

    [Fact]
    public void Normalize_ByteOrderMark_IsIgnored()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Frame("MESSAGE_DELETE", """{ "id": "1", "channel_id": "2" }"""))).ToArray();

        var result = Normalizer().Normalize(Payload(body));

        Assert.Equal(EventKinds.MessageDelete, Assert.Single(result.Events).EventKind);
    }

    [Fact]
    public void Normalize_FrameWithoutOpcode_IsStillADispatch()
    {
        var evt = Single("""{ "t": "MESSAGE_DELETE", "s": 1, "d": { "id": "1", "channel_id": "2" } }""");

        Assert.Equal(EventKinds.MessageDelete, evt.EventKind);
    }

    [Fact]
    public void Normalize_ReindentedBody_GivesTheSameEvents()
    {
        var compact = NormalizeFixture("message-update-embed-unfurl.json").Events;
        var indented = Normalize(Encoding.UTF8.GetString(FixtureBody("message-update-embed-unfurl.json"))
            .Replace("\n", "\n    ", StringComparison.Ordinal)).Events;

        Assert.Equal(compact.Select(e => e.EventId), indented.Select(e => e.EventId));
    }

    [Fact]
    public void Normalize_SamePayloadTwice_IsEqualEvents()
    {
        var first = NormalizeFixture("message-create-reply.json").Events.Single();
        var second = NormalizeFixture("message-create-reply.json").Events.Single();

        Assert.Equal(first.EventId, second.EventId);
        Assert.Equal(first.ProviderMetadata!.Value.GetRawText(), second.ProviderMetadata!.Value.GetRawText());
        Assert.Equal(first.Mentions, second.Mentions); // lists compare by reference in a record's equality
        Assert.Equal(first with { ProviderMetadata = null, Mentions = null }, second with { ProviderMetadata = null, Mentions = null });
    }

    [Fact]
    public void Normalize_RepeatedPropertyName_MetadataKeepsTheValueTheEventWasReadFrom()
    {
        var evt = Dispatch("MESSAGE_CREATE",
            """{ "id": "1", "type": 0, "channel_id": "2", "author": { "id": "3" }, "content": "first", "attachments": [], "content": "second" }""");

        Assert.Equal(EventKinds.Message, evt.EventKind);
        Assert.Equal(evt.Text, Metadata(evt, "content").GetString());
        Assert.Single(evt.ProviderMetadata!.Value.EnumerateObject(), p => p.Name == "content");
    }
}
