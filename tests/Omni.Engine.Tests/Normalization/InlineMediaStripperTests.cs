using System.Text.Json;
using Omni.Engine.Normalization.Evolution;

namespace Omni.Engine.Tests.Normalization;

/// <summary>
/// What <see cref="InlineMediaStripper"/> keeps and what it replaces, one value at a time: only inline bytes go (a
/// media-named field holding data, or a long base64 data: URL anywhere); text, links, short or empty values and other
/// types stay exactly as they were.
/// </summary>
public sealed class InlineMediaStripperTests
{
    private static readonly string LongText = string.Concat(Enumerable.Repeat("a plain sentence that is long; ", 10));
    private static readonly string DataUrl = "data:image/png;base64," + new string('A', 120);

    private static JsonElement Strip(string name, object? value) =>
        InlineMediaStripper.Strip(JsonSerializer.SerializeToElement(new Dictionary<string, object?> { [name] = value })).GetProperty(name);

    public static TheoryData<string, string> Stripped => new()
    {
        { "base64", "AAAA" },
        { "jpegThumbnail", "/9j/4AAQSkZJRg" },
        { "JPEGTHUMBNAIL", "/9j/4AAQ" },            // names compare case-insensitively
        { "pngThumbnail", "iVBORw0KGgo" },
        { "thumbnail", "iVBORw0KGgo" },
        { "thumbnailBase64", "iVBORw0KGgo" },
        { "imageBase64", "iVBORw0KGgo" },
        { "mediaBase64", "iVBORw0KGgo" },
        { "caption", DataUrl },                      // any name: a long base64 data: URL is inline media
        { "qrcode", DataUrl.ToUpperInvariant() },    // DATA: ... ;BASE64, too
    };

    [Theory]
    [MemberData(nameof(Stripped))]
    public void Strip_InlineBytes_ReplacedByTheMarkerWithTheirLength(string name, string value) =>
        Assert.Equal(InlineMediaStripper.Marker(value.Length), Strip(name, value).GetString());

    public static TheoryData<string, string> Kept => new()
    {
        { "text", LongText },                                  // long plain text
        { "caption", "data: " + LongText },                    // starts with data: but is no base64 data URL
        { "caption", DataUrl[..99] },                          // a data URL shorter than 100 characters
        { "url", "data:text/plain," + LongText },              // long, data:, but not base64
        { "jpegThumbnail", "https://mmg.whatsapp.net/thumb.jpg" }, // a link in a media field is a reference
        { "thumbnail", "HTTP://example.com/t.png" },
        { "base64", "" },                                      // empty
    };

    [Theory]
    [MemberData(nameof(Kept))]
    public void Strip_EverythingElse_KeptAsIs(string name, string value) =>
        Assert.Equal(value, Strip(name, value).GetString());

    [Fact]
    public void Strip_NonStrings_Nested_Order_AndTheDroppedTopLevelProperty()
    {
        var input = JsonSerializer.SerializeToElement(new
        {
            apikey = "secret",
            base64 = 42,
            list = new object[] { new { jpegThumbnail = "AAAA" }, "x", 1, true },
            nested = new { apikey = "kept below the top", thumbnail = (string?)null },
        });

        var output = InlineMediaStripper.Strip(input, dropTopLevelProperty: "apikey");

        Assert.Equal(
            """{"base64":42,"list":[{"jpegThumbnail":"\u003Cstripped: 4 chars\u003E"},"x",1,true],"nested":{"apikey":"kept below the top","thumbnail":null}}""",
            output.GetRawText());
        Assert.Equal("secret", InlineMediaStripper.Strip(input).GetProperty("apikey").GetString()); // dropped only when asked
    }
}
