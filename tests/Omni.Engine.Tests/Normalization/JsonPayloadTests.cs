using System.Text;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Evolution;

namespace Omni.Engine.Tests.Normalization;

/// <summary>Quarantine reasons that say what is wrong with a body (issue: "Unclear quarantine reasons").</summary>
public class JsonPayloadTests
{
    private static string? ReasonFor(byte[] body) =>
        new EvolutionNormalizer().Normalize(new RawPayload("evolution", "demo", "ing", "blob", DateTimeOffset.UnixEpoch, "application/json", body))
            .QuarantineReason;

    private static byte[] Nested(int depth)
    {
        // {"event":"messages.upsert","data":[[[ ... ]]]}: the envelope object plus depth - 1 arrays.
        var text = "{\"event\":\"messages.upsert\",\"data\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";
        return Encoding.UTF8.GetBytes(text);
    }

    [Fact]
    public void Bug_DeeplyNestedValidJsonQuarantinedAsNotValidJson()
    {
        Assert.Equal("body nests JSON 200 levels deep; the limit is 64", ReasonFor(Nested(200)));
    }

    [Fact]
    public void Depth_AtTheLimit_IsAccepted_OneMoreIsNot()
    {
        Assert.Null(ReasonFor(Nested(JsonPayload.MaxDepth)));
        Assert.Equal("body nests JSON 65 levels deep; the limit is 64", ReasonFor(Nested(JsonPayload.MaxDepth + 1)));
    }

    [Fact]
    public void Bug_InvalidUtf8QuarantinedAsNormalizerFailure()
    {
        var prefix = Encoding.UTF8.GetBytes("{\"event\":\"messages.upsert\",\"data\":{\"pushName\":\"Jo");
        byte[] body = [.. prefix, 0xC3, 0x28, .. "\"}}"u8];

        Assert.Equal($"body is not valid UTF-8: byte 0xC3 at offset {prefix.Length} does not start a valid UTF-8 sequence", ReasonFor(body));
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0xFF }, 1)]              // a byte that never occurs in UTF-8
    [InlineData(new byte[] { 0xE2, 0x82 }, 0)]              // a truncated three-byte sequence
    [InlineData(new byte[] { 0x41, 0xED, 0xA0, 0x80 }, 1)]  // an encoded surrogate (not allowed in UTF-8)
    public void InvalidUtf8At_FindsTheFirstBadByte(byte[] body, int expected) => Assert.Equal(expected, JsonPayload.InvalidUtf8At(body));

    [Fact]
    public void InvalidUtf8At_ValidMultibyteText_IsNull() => Assert.Null(JsonPayload.InvalidUtf8At("{\"t\":\"ação 😀\"}"u8));

    [Fact]
    public void SyntaxError_SaysWhereOnWhichLine()
    {
        var reason = ReasonFor("{\n  \"event\": \"messages.upsert\",\n  \"data\": { \"key\": \n"u8.ToArray());

        Assert.NotNull(reason);
        Assert.StartsWith("body is not valid JSON: ", reason, StringComparison.Ordinal);
        Assert.EndsWith("(line 4, byte 1 of the line)", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber:", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", 1)]
    [InlineData("[[{}]]", 3)]
    [InlineData("{\"a\":[1,{\"b\":[]}]}", 4)]
    [InlineData("42", 0)]
    public void DepthOf_CountsObjectsAndArrays(string json, int depth) => Assert.Equal(depth, JsonPayload.DepthOf(Encoding.UTF8.GetBytes(json)));
}
