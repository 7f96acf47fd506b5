using Omni.Engine.Conversations;
using Omni.Engine.Events;

namespace Omni.Engine.Tests.Conversations;

public class ForwardTextTests
{
    private static OmniEvent Event(string contentType, string? text, string? mime = null, long? size = null, string? fileName = null) => new()
    {
        EventId = "evt_demo-telegram_0123456789abcdef0123456789abcdef",
        Channel = Channels.Telegram,
        Provider = "telegram",
        Instance = "demo-telegram",
        EventKind = EventKinds.Message,
        ContentType = contentType,
        ProviderEventId = "10000",
        SenderHandle = "1111111",
        SenderName = "Ana",
        Text = text,
        MediaMimeType = mime,
        MediaSizeBytes = size,
        MediaFileName = fileName,
        ReceivedAt = new DateTimeOffset(2026, 12, 5, 9, 0, 0, TimeSpan.Zero),
        RawBlob = "raw/x.json",
    };

    [Fact]
    public void Compose_StepText_IsSentAsItIs() =>
        Assert.Equal("Voice note: oi", ForwardText.Compose(Event(ContentTypes.Audio, null, "audio/ogg"), "Voice note: oi"));

    [Fact]
    public void Compose_Text_WithAHeaderNamingWhoAndWhere() =>
        Assert.Equal("Forwarded from Ana on telegram (demo-telegram):\nOi", ForwardText.Compose(Event(ContentTypes.Text, "Oi"), null));

    [Fact]
    public void Compose_Media_ByReferenceToTheOmniEvent_WithTheCaption() =>
        Assert.Equal(
            "Forwarded from Ana on telegram (demo-telegram):\nthe gate\n[image, image/jpeg, gate.jpg, 23 KB: Omni event evt_demo-telegram_0123456789abcdef0123456789abcdef]",
            ForwardText.Compose(Event(ContentTypes.Image, "the gate", "image/jpeg", 23_552, "gate.jpg"), "  "));

    [Fact]
    public void Compose_NothingToForward_Null() => Assert.Null(ForwardText.Compose(Event(ContentTypes.Location, null), null));
}
