using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Identity;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Identity;

/// <summary>
/// Identity rules at their edges: handle spelling limits, which addresses are people, id shapes, the conflict and
/// skip reasons of link/merge/unmerge, and which addresses one event may claim (aliases, related, avatar).
/// </summary>
public class IdentityBoundaryTests
{
    [Theory]
    [InlineData(" U1 ", "U1")]
    [InlineData("a b", null)]
    [InlineData("ab\u0001c", null)]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void Normalize_OtherChannels_TrimmedIdWithoutInnerSpaceOrControls(string? text, string? expected) =>
        Assert.Equal(expected, HandleRules.Normalize(Channels.Discord, text));

    [Fact]
    public void Normalize_LongestHandleIs256Characters()
    {
        Assert.Equal(new string('a', 256), HandleRules.Normalize(Channels.Discord, new string('a', 256)));
        Assert.Null(HandleRules.Normalize(Channels.Discord, new string('a', 257)));
    }

    [Theory]
    [InlineData("12345", null)]
    [InlineData("123456", "123456@s.whatsapp.net")]
    [InlineData("12345678901234567890", "12345678901234567890@s.whatsapp.net")]
    [InlineData("123456789012345678901", null)]
    [InlineData("+55 (11) 9999-0001", "551199990001@s.whatsapp.net")]
    [InlineData("55.11.9999.0001", "551199990001@s.whatsapp.net")]
    [InlineData("55a1199990001", null)]
    [InlineData("@s.whatsapp.net", null)]
    [InlineData("5511@", null)]
    [InlineData("55 11@s.whatsapp.net", null)]
    [InlineData("AbC@LID", "AbC@lid")]
    [InlineData("120363000000000001@G.US", "120363000000000001@g.us")]
    public void CanonicalWhatsApp_DigitsBoundsAndJidShape(string text, string? expected) =>
        Assert.Equal(expected, HandleRules.CanonicalWhatsApp(text));

    [Theory]
    [InlineData(Channels.WhatsApp, "5511@s.whatsapp.net", true)]
    [InlineData(Channels.WhatsApp, "1000@lid", true)]
    [InlineData(Channels.WhatsApp, "5511", false)]
    [InlineData(Channels.WhatsApp, "1203@g.us", false)]
    [InlineData(Channels.WhatsApp, "status@broadcast", false)]
    [InlineData(Channels.WhatsApp, "1203@newsletter", false)]
    [InlineData(Channels.WhatsApp, "1203@NEWSLETTER", false)]
    [InlineData(Channels.Telegram, "100", true)]
    [InlineData(Channels.Telegram, "-100", false)]
    [InlineData(Channels.Discord, "-100", true)]
    public void IsPersonHandle_PeopleNotConversations(string channel, string handle, bool expected) =>
        Assert.Equal(expected, HandleRules.IsPersonHandle(channel, handle));

    [Theory]
    [InlineData(Channels.Slack, true)]
    [InlineData(Channels.Webhook, true)]
    [InlineData(Channels.WhatsApp, false)]
    [InlineData(Channels.Telegram, false)]
    [InlineData(Channels.Discord, false)]
    public void IsInstanceScoped_SlackAndWebhookOnly(string channel, bool expected) =>
        Assert.Equal(expected, HandleRules.IsInstanceScoped(channel));

    [Theory]
    [InlineData("idn_0123456789abcdef0123456789abcdef", true)]
    [InlineData("idn_0123456789abcdef0123456789abcde", false)]
    [InlineData("idn_0123456789abcdef0123456789abcdef0", false)]
    [InlineData("idn_0123456789ABCDEF0123456789abcdef", false)]
    [InlineData("mrg_0123456789abcdef0123456789abcdef", false)]
    [InlineData(null, false)]
    public void IsIdentityId_PrefixAnd32LowerHex(string? id, bool expected) => Assert.Equal(expected, IdentityIds.IsIdentityId(id));

    [Theory]
    [InlineData("mrg_20261123170000123010203040506", true)]
    [InlineData("mrg_2026112317000012301020304050", false)]
    [InlineData("mrg_20261123170000123010203040506a", false)]
    [InlineData("mrg_2026112317000012301020304050g", false)]
    [InlineData("unm_20261123170000123010203040506", false)]
    [InlineData(null, false)]
    public void IsMergeId_PrefixAnd29LowerHex(string? id, bool expected) => Assert.Equal(expected, IdentityIds.IsMergeId(id));

    [Fact]
    public void RecordIds_UtcTimeThenSixBytesOfEntropy_UnmergeNamedAfterItsMerge()
    {
        var id = IdentityIds.NewRecordId(IdentityIds.MergePrefix, new DateTimeOffset(2026, 11, 23, 14, 0, 0, 123, TimeSpan.FromHours(-3)), [1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Equal("mrg_20261123170000123010203040506", id);
        Assert.True(IdentityIds.IsMergeId(id));
        Assert.Equal("unm_20261123170000123010203040506", IdentityIds.UnmergeIdFor(id));
    }

    private static readonly HandleKey P1 = new("whatsapp", "1@s.whatsapp.net");
    private static readonly HandleKey P2 = new("whatsapp", "2@s.whatsapp.net");
    private static readonly HandleKey P3 = new("whatsapp", "3@s.whatsapp.net");

    [Fact]
    public void Conflicts_SayWhy()
    {
        Assert.Equal("whatsapp:1@s.whatsapp.net already belongs to a",
            Assert.Throws<IdentityConflictException>(() => OwnershipRules.PlanLink(P1, new HandleOwnership(P1, "a", false), "a", true)).Message);
        Assert.Equal("an identity cannot be merged into itself (a)",
            Assert.Throws<IdentityConflictException>(() => OwnershipRules.PlanMerge("m", "a", "a", null, null, [])).Message);
        Assert.Equal("a was merged into c; merge into that identity instead",
            Assert.Throws<IdentityConflictException>(() => OwnershipRules.PlanMerge("m", "a", "b", "c", null, [])).Message);
        Assert.Equal("b is already merged into c",
            Assert.Throws<IdentityConflictException>(() => OwnershipRules.PlanMerge("m", "a", "b", null, "c", [])).Message);
    }

    [Fact]
    public void Link_FromASecondaryOwner_RecordsItWasNotPrimary()
    {
        Assert.Equal(new HandleMove(P1, "b", "a", false, true), OwnershipRules.PlanLink(P1, new HandleOwnership(P1, "b", false), "a", true));
    }

    [Fact]
    public void Merge_MovesOnlyWhatTheSourceOwns_AsSecondaryRememberingPrimary()
    {
        var plan = OwnershipRules.PlanMerge("m", "a", "b", null, null,
            [new HandleOwnership(P1, "b", true), new HandleOwnership(P2, "c", false), new HandleOwnership(P3, "b", false)]);

        Assert.Equal([new HandleMove(P1, "b", "a", true, false), new HandleMove(P3, "b", "a", false, false)], plan.Moves);
        Assert.Equal(("m", "a", "b"), (plan.MergeId, plan.IntoIdentityId, plan.FromIdentityId));
    }

    [Fact]
    public void Unmerge_SkipsWithReasons_AndRestoresPrimaryFlags()
    {
        var merge = new MergePlan("m", "a", "b",
        [
            new HandleMove(P1, "b", "a", true, false),
            new HandleMove(P2, "b", "a", false, false),
            new HandleMove(P3, null, "a", false, false),
            new HandleMove(new HandleKey("whatsapp", "gone@s.whatsapp.net"), "b", "a", false, false),
        ]);
        var current = new Dictionary<HandleKey, HandleOwnership>
        {
            [P1] = new(P1, "a", false),
            [P2] = new(P2, "b", false),
            [P3] = new(P3, "a", true),
        };

        var plan = OwnershipRules.PlanUnmerge(merge, current);

        Assert.Equal([new HandleMove(P1, "a", "b", false, true), new HandleMove(P3, "a", "b", true, false)], plan.Moves);
        Assert.Equal(["already back with b", "the handle no longer exists"], plan.Skipped.Select(s => s.Reason));
        Assert.Equal("m", plan.MergeId);
    }

    [Fact]
    public void Apply_LeavesTheInputAlone()
    {
        var before = new Dictionary<HandleKey, HandleOwnership> { [P1] = new(P1, "a", true) };
        var after = OwnershipRules.Apply(before, [new HandleMove(P1, "a", "b", true, false), new HandleMove(P2, null, "b", false, true)]);

        Assert.Equal("a", before[P1].IdentityId);
        Assert.Single(before);
        Assert.Equal(new HandleOwnership(P1, "b", false), after[P1]);
        Assert.Equal(new HandleOwnership(P2, "b", true), after[P2]);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("  ", null)]
    [InlineData("  Ana  ", "Ana")]
    public void DisplayNameOf_TrimmedOrNull(string? name, string? expected) => Assert.Equal(expected, EventIdentityRules.DisplayNameOf(name));

    [Fact]
    public void DisplayNameOf_CutToTheProfileLimit()
    {
        Assert.Equal(EventLimits.MaxNameChars, EventIdentityRules.DisplayNameOf(new string('a', EventLimits.MaxNameChars + 10))!.Length);
    }

    private const string Phone = "5511999990001@s.whatsapp.net";
    private const string Lid = "100000000000001@lid";

    private static OmniEvent Evt(string metadata, string? sender = Phone) =>
        Message() with { SenderHandle = sender, ProviderMetadata = JsonDocument.Parse(metadata).RootElement.Clone() };

    [Fact]
    public void Sender_AGroupOrNothing_ClaimsNothing()
    {
        Assert.Same(IdentityClaims.None, EventIdentityRules.For(Evt("{}", "120363000000000001@g.us")));
        Assert.Same(IdentityClaims.None, EventIdentityRules.For(Evt("{}", null)));
    }

    [Theory]
    // the key's addresses (1:1 chat), the sender handle, the alias expected
    [InlineData($$"""{ "key": { "remoteJid": "{{Lid}}", "remoteJidAlt": "{{Phone}}" } }""", Phone, Lid)]
    [InlineData($$"""{ "remoteJid": "{{Lid}}", "senderPn": "{{Phone}}" }""", Phone, Lid)]
    [InlineData($$"""{ "key": { "remoteJid": "{{Phone}}", "senderLid": "{{Lid}}" } }""", Phone, Lid)]
    [InlineData($$"""{ "key": { "remoteJid": "{{Lid}}", "remoteJidAlt": "{{Phone}}" } }""", Lid, Phone)]
    [InlineData($$"""{ "key": { "remoteJid": "{{Lid}}", "remoteJidAlt": "5511999990002@s.whatsapp.net" } }""", Phone, null)]
    [InlineData($$"""{ "key": { "remoteJid": "{{Phone}}", "remoteJidAlt": "5511999990002@s.whatsapp.net", "senderLid": "{{Lid}}" } }""", Phone, null)]
    [InlineData($$"""{ "key": { "remoteJid": "{{Lid}}", "remoteJidAlt": "100000000000002@lid", "senderPn": "{{Phone}}" } }""", Phone, null)]
    [InlineData($$"""{ "key": { "remoteJid": "{{Phone}}" } }""", Phone, null)]
    public void Aliases_OnePhoneAndOneLidOneOfThemTheSender(string metadata, string sender, string? alias)
    {
        var claims = EventIdentityRules.For(Evt(metadata, sender));

        Assert.Equal(sender, claims.Sender?.Handle);
        Assert.Equal(alias is null ? [] : [alias], claims.SenderAliases.Select(a => a.Handle));
    }

    [Fact]
    public void Aliases_InAGroupReadTheParticipantNotTheChat()
    {
        var metadata = $$"""{ "key": { "remoteJid": "120363000000000001@g.us", "remoteJidAlt": "{{Lid}}", "participant": "{{Phone}}", "participantAlt": "100000000000009@lid" } }""";

        Assert.Equal(["100000000000009@lid"], EventIdentityRules.For(Evt(metadata) with { IsGroup = true }).SenderAliases.Select(a => a.Handle));
    }

    [Fact]
    public void Aliases_InABroadcastReadTheParticipant()
    {
        var metadata = $$"""{ "key": { "remoteJid": "status@broadcast", "participant": "{{Phone}}", "participantAlt": "{{Lid}}" } }""";

        Assert.Equal([Lid], EventIdentityRules.For(Evt(metadata) with { ConversationId = "status@broadcast" }).SenderAliases.Select(a => a.Handle));
    }

    [Fact]
    public void Aliases_NotForOwnMessagesOrOtherChannels()
    {
        var metadata = $$"""{ "key": { "remoteJid": "{{Lid}}", "remoteJidAlt": "{{Phone}}" } }""";

        Assert.Empty(EventIdentityRules.For(Evt(metadata) with { FromMe = true }).SenderAliases);
        Assert.Empty(EventIdentityRules.For(Evt(metadata) with { Channel = Channels.Discord, SenderHandle = "U1" }).SenderAliases);
        Assert.Empty(EventIdentityRules.For(Message() with { ProviderMetadata = JsonDocument.Parse("[1]").RootElement.Clone() }).SenderAliases);
    }

    [Fact]
    public void Related_OwnGroupMessageHasNoCounterpart_OnlyMessagesRelate()
    {
        var metadata = """{ "key": { "remoteJid": "120363000000000001@g.us" } }""";
        Assert.Empty(EventIdentityRules.For(Evt(metadata) with { FromMe = true, IsGroup = true, ConversationId = "120363000000000001@g.us" }).Related);

        var mention = """{ "contextInfo": { "mentionedJid": ["5511999990002@s.whatsapp.net"] } }""";
        Assert.Single(EventIdentityRules.For(Evt(mention)).Related);
        Assert.Empty(EventIdentityRules.For(Evt(mention) with { EventKind = EventKinds.Reaction }).Related);
    }

    [Fact]
    public void Related_MentionsNestedUpToSixLevels_NonPeopleAndTheSenderLeftOut()
    {
        static string Nest(int depth, string inner) => depth == 0 ? inner : $$"""{ "m": {{Nest(depth - 1, inner)}} }""";
        var deep = Nest(6, """{ "mentionedJid": ["5511999990006@s.whatsapp.net", "120363000000000001@g.us", "5511999990001@s.whatsapp.net", 7] }""");
        var tooDeep = Nest(7, """{ "mentionedJid": ["5511999990007@s.whatsapp.net"] }""");

        Assert.Equal(["5511999990006@s.whatsapp.net"], EventIdentityRules.For(Evt(deep)).Related.Select(r => r.Handle));
        Assert.Empty(EventIdentityRules.For(Evt(tooDeep)).Related);
    }

    [Fact]
    public void Related_AtMost32()
    {
        var jids = string.Join(", ", Enumerable.Range(100, 40).Select(i => $"\"55119999{i:D5}@s.whatsapp.net\""));

        Assert.Equal(32, EventIdentityRules.For(Evt($$"""{ "mentionedJid": [{{jids}}] }""")).Related.Count);
    }

    [Theory]
    [InlineData("""{ "profilePicUrl": "https://a.example/1.jpg", "profilePictureUrl": "https://a.example/2.jpg", "imgUrl": "https://a.example/3.jpg" }""", "https://a.example/1.jpg")]
    [InlineData("""{ "profilePicUrl": "http://a.example/1.jpg", "profilePictureUrl": "https://a.example/2.jpg" }""", "https://a.example/2.jpg")]
    [InlineData("""{ "profilePicUrl": null, "imgUrl": "https://a.example/3.jpg" }""", "https://a.example/3.jpg")]
    [InlineData("""{ "profilePicUrl": "not a url" }""", null)]
    public void Avatar_FirstHttpsPictureOfAContactCard(string metadata, string? expected)
    {
        var claims = EventIdentityRules.For(Evt(metadata) with { EventKind = EventKinds.Contact });

        Assert.True(claims.IsContactCard);
        Assert.Equal(expected, claims.AvatarUrl);
    }

    [Fact]
    public void Avatar_TooLongOrNotAContact_None()
    {
        var longUrl = "https://a.example/" + new string('a', EventLimits.MaxUrlChars);
        Assert.Null(EventIdentityRules.For(Evt($$"""{ "profilePicUrl": "{{longUrl}}" }""") with { EventKind = EventKinds.Contact }).AvatarUrl);

        var claims = EventIdentityRules.For(Evt("""{ "profilePicUrl": "https://a.example/1.jpg" }"""));
        Assert.False(claims.IsContactCard);
        Assert.Null(claims.AvatarUrl);
    }
}
