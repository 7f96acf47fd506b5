using Omni.Engine.Events;
using Omni.Engine.Identity;

namespace Omni.Engine.Tests.Identity;

public class ContactEntriesTests
{
    private const string Identity = "idn_0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("5511999990001@s.whatsapp.net", "5511999990001@s.whatsapp.net")]
    [InlineData("5511999990001", "5511999990001@s.whatsapp.net")]
    [InlineData("+55 (11) 99999-0001", "5511999990001@s.whatsapp.net")]
    [InlineData(" 5511999990001:12@S.WhatsApp.NET ", "5511999990001@s.whatsapp.net")]
    [InlineData("120363000000000001@G.US", "120363000000000001@g.us")]
    [InlineData("100000000000001@lid", "100000000000001@lid")]
    [InlineData("IDN_0123456789ABCDEF0123456789ABCDEF", Identity)]
    [InlineData(Identity, Identity)]
    [InlineData("mom", null)]
    [InlineData("55 11 x", null)]
    [InlineData("a b@s.whatsapp.net", null)]
    [InlineData("a@b@c", null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    public void Canonical_WhatsApp(string entry, string? expected) => Assert.Equal(expected, ContactEntries.Canonical(Channels.WhatsApp, entry));

    [Theory]
    [InlineData(" 123456789012345678 ", "123456789012345678")]
    [InlineData("U0123ABC", "U0123ABC")]
    [InlineData("two words", null)]
    [InlineData("idn_0123456789ABCDEF0123456789abcdef", Identity)]
    public void Canonical_OtherChannels_TrimmedAndExact(string entry, string? expected) => Assert.Equal(expected, ContactEntries.Canonical(Channels.Discord, entry));

    [Fact]
    public void Canonical_AtMost256Characters()
    {
        Assert.Equal(new string('1', 256), ContactEntries.Canonical(Channels.Discord, new string('1', 256)));
        Assert.Null(ContactEntries.Canonical(Channels.Discord, new string('1', 257)));
    }

    [Theory]
    [InlineData("U0123\u0001ABC")]
    [InlineData("U0123ABC\u007f")]
    [InlineData("\u0000")]
    public void Canonical_AnyControlCharacter_Refused(string entry) => Assert.Null(ContactEntries.Canonical(Channels.Discord, entry));

    [Fact]
    public void Keys_NullEvent_ThrowsNamingTheArgument()
    {
        Assert.Equal("evt", Assert.Throws<ArgumentNullException>(() => ContactEntries.SenderKeys(null!)).ParamName);
        Assert.Equal("evt", Assert.Throws<ArgumentNullException>(() => ContactEntries.ConversationKeys(null!)).ParamName);
    }

    [Fact]
    public void Keys_SenderIsHandleAndIdentity_ConversationIsTheChat()
    {
        var evt = new OmniEvent
        {
            EventId = "evt_demo_1",
            Channel = Channels.WhatsApp,
            Provider = "evolution",
            Instance = "demo",
            EventKind = EventKinds.Message,
            ContentType = ContentTypes.Text,
            ProviderEventId = "1",
            ConversationId = "120363000000000001@g.us",
            SenderHandle = "5511999990002:3@s.whatsapp.net",
            IdentityId = Identity,
            IsGroup = true,
            ReceivedAt = DateTimeOffset.UnixEpoch,
            RawBlob = "x",
        };

        Assert.Equal(["5511999990002@s.whatsapp.net", Identity], ContactEntries.SenderKeys(evt));
        Assert.Equal(["120363000000000001@g.us"], ContactEntries.ConversationKeys(evt));
        Assert.Empty(ContactEntries.SenderKeys(evt with { SenderHandle = null, IdentityId = null }));
        Assert.True(ContactEntries.IsIdentity(Identity));
        Assert.False(ContactEntries.IsIdentity("5511999990002@s.whatsapp.net"));
    }
}
