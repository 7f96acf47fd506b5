using Omni.Engine.Events;
using Omni.Engine.Identity;
using Omni.Engine.Normalization.Evolution;
using Omni.TestSupport;
using static Omni.Engine.Tests.Normalization.EvolutionTestPayloads;

namespace Omni.Engine.Tests.Identity;

public class NameFoldingTests
{
    [Theory]
    [InlineData("Mãe", "mae")]
    [InlineData("MÃE", "mae")]
    [InlineData("  José   Núñez ", "jose nunez")]
    [InlineData("Straße", "strasse")]
    [InlineData("Ølaf Çelik", "olaf celik")]
    [InlineData(null, "")]
    public void Fold_IgnoresCaseAccentsAndSpacing(string? name, string folded) => Assert.Equal(folded, NameFolding.Fold(name));

    [Theory]
    [InlineData("Jose\u0301", "jose")] // non-spacing mark (decomposed accent)
    [InlineData("N\u0303u\u0308", "nu")]
    [InlineData("\u0915\u093e", "\u0915")] // spacing combining mark (Devanagari vowel sign aa)
    [InlineData("A\u20dd", "a")] // enclosing mark (combining enclosing circle)
    public void Fold_DropsEveryKindOfCombiningMark(string name, string folded) => Assert.Equal(folded, NameFolding.Fold(name));

    [Theory]
    [InlineData("\u00c0", "a")] // À: the first character of the Latin table
    [InlineData("\u0233", "y")] // ȳ: the table's last letter with a base letter
    [InlineData("\u024e", "\u024f")] // Ɏ: in the table without a base letter, lower-cased as it is
    [InlineData("\u0250", "\u0250")] // ɐ: the first character after the table, lower-cased as it is
    [InlineData("\u00bf", "\u00bf")] // ¿: the character just before the table
    public void Fold_LatinTableBounds(string name, string folded) => Assert.Equal(folded, NameFolding.Fold(name));

    [Theory]
    [InlineData("\u00c6\u00e6", "aeae")] // Ææ
    [InlineData("\u0152\u0153", "oeoe")] // Œœ
    [InlineData("\u00d8\u00f8", "oo")] // Øø
    [InlineData("\u00d0\u00f0", "dd")] // Ðð
    [InlineData("\u00de\u00fe", "thth")] // Þþ
    [InlineData("\u0141\u0142", "ll")] // Łł
    [InlineData("\u0131", "i")] // ı
    [InlineData("\u00df", "ss")] // ß
    public void Fold_LettersWithoutADecomposition_SpelledOut(string name, string folded) => Assert.Equal(folded, NameFolding.Fold(name));
}

public class HandleKeyTests
{
    [Fact]
    public void ToString_ChannelAndHandle_WithTheInstanceOnlyWhenScoped()
    {
        Assert.Equal("whatsapp:5511999990001@s.whatsapp.net", new HandleKey(Channels.WhatsApp, "5511999990001@s.whatsapp.net").ToString());
        Assert.Equal("slack:U0ANA@demo-slack", new HandleKey(Channels.Slack, "U0ANA", "demo-slack").ToString());
    }
}

public class HandleRulesTests
{
    [Theory]
    [InlineData("5511999990001@s.whatsapp.net", "5511999990001@s.whatsapp.net")]
    [InlineData(" 5511999990001:12@S.WhatsApp.net ", "5511999990001@s.whatsapp.net")]
    [InlineData("+55 (11) 99999-0001", "5511999990001@s.whatsapp.net")]
    [InlineData("100000000000001@lid", "100000000000001@lid")]
    [InlineData("120363000000000001@g.us", null)]
    [InlineData("status@broadcast", null)]
    [InlineData("mom", null)]
    [InlineData("", null)]
    public void Normalize_WhatsApp(string text, string? expected) => Assert.Equal(expected, HandleRules.Normalize(Channels.WhatsApp, text));

    [Fact]
    public void KeyFor_ScopesOnlyChannelsWithPerConnectionIds()
    {
        Assert.Null(HandleRules.KeyFor(Channels.WhatsApp, "1@s.whatsapp.net", "demo").Instance);
        Assert.Equal("demo", HandleRules.KeyFor(Channels.Slack, "U123", "demo").Instance);
    }

    [Fact]
    public void IdentityIds_DeriveFromTheFirstHandle()
    {
        var key = new HandleKey(Channels.WhatsApp, "5511999990001@s.whatsapp.net");
        Assert.Equal(IdentityIds.ForFirstHandle(key), IdentityIds.ForFirstHandle(key with { }));
        Assert.NotEqual(IdentityIds.ForFirstHandle(key), IdentityIds.ForFirstHandle(key with { Handle = "5511999990002@s.whatsapp.net" }));
        Assert.True(IdentityIds.IsIdentityId(IdentityIds.ForFirstHandle(key)));
        Assert.False(IdentityIds.IsIdentityId("idn_../../x"));
    }
}

public class EventIdentityRulesTests
{
    private static OmniEvent Single(string body) => Assert.Single(Events(body));

    private static IReadOnlyList<OmniEvent> Events(string body) => Normalize(body).Events;

    [Fact]
    public void RealCapture_PhoneJidWithSenderLid_ClaimsTheLidAsAnAliasOfTheSender()
    {
        var e = Assert.Single(new EvolutionNormalizer().Normalize(Payload(EventExpectations.ReadFixture("evolution", "messages-upsert-conversation-text-v2.json"))).Events);
        var claims = EventIdentityRules.For(e);

        Assert.Equal(new HandleKey("whatsapp", "555199990001@s.whatsapp.net"), claims.Sender);
        Assert.Equal([new HandleKey("whatsapp", "100000000000001@lid")], claims.SenderAliases);
        Assert.Equal("Contato Exemplo", claims.DisplayName);
    }

    [Fact]
    public void GroupMessage_LidParticipantWithParticipantAlt_SenderIsThePhoneAndTheLidItsAlias()
    {
        var e = Single(Envelope("messages.upsert", """
            {"key": {"remoteJid": "120363000000000001@g.us", "fromMe": false, "id": "G1",
                     "participant": "100000000000009@lid", "participantAlt": "5511999990009@s.whatsapp.net"},
             "pushName": "Tia", "message": {"conversation": "oi"}, "messageTimestamp": 1764000000}
            """));
        var claims = EventIdentityRules.For(e);

        Assert.Equal("5511999990009@s.whatsapp.net", claims.Sender?.Handle);
        Assert.Equal(["100000000000009@lid"], claims.SenderAliases.Select(a => a.Handle));
    }

    [Fact]
    public void GroupMessage_OnlyALid_NoAlias()
    {
        var e = Assert.Single(new EvolutionNormalizer().Normalize(Payload(EventExpectations.ReadFixture("evolution", "messages-upsert-group-text-lid-participant.json"))).Events);
        var claims = EventIdentityRules.For(e);

        Assert.Equal("100000000000002@lid", claims.Sender?.Handle);
        Assert.Empty(claims.SenderAliases);
    }

    [Fact]
    public void FromMe_SenderIsTheOwnerAndTheChatsAlternatesAreNotReadAsTheOwners()
    {
        var e = Single(Envelope("messages.upsert", """
            {"key": {"remoteJid": "100000000000005@lid", "remoteJidAlt": "5511999990005@s.whatsapp.net", "fromMe": true, "id": "M1"},
             "message": {"conversation": "oi"}, "messageTimestamp": 1764000000}
            """));
        var claims = EventIdentityRules.For(e);

        Assert.Equal(OwnerJid, claims.Sender?.Handle);
        Assert.Empty(claims.SenderAliases);
        Assert.Equal(["5511999990005@s.whatsapp.net"], claims.Related.Select(r => r.Handle)); // the other party of one's own message
    }

    [Fact]
    public void Mentions_AreRelatedHandles()
    {
        var e = Single(Envelope("messages.upsert", """
            {"key": {"remoteJid": "120363000000000001@g.us", "fromMe": false, "id": "M2", "participant": "5511999990001@s.whatsapp.net"},
             "message": {"extendedTextMessage": {"text": "@a @b", "contextInfo": {"mentionedJid": ["5511999990002@s.whatsapp.net", "100000000000007@lid", "5511999990001@s.whatsapp.net"]}}},
             "messageTimestamp": 1764000000}
            """));

        Assert.Equal(["5511999990002@s.whatsapp.net", "100000000000007@lid"], EventIdentityRules.For(e).Related.Select(r => r.Handle));
    }

    [Fact]
    public void ContactCard_IsFlaggedWithItsName_AGroupCardClaimsNothing()
    {
        var person = Assert.Single(new EvolutionNormalizer().Normalize(Payload(EventExpectations.ReadFixture("evolution", "contacts-upsert.json"))).Events);
        var claims = EventIdentityRules.For(person);
        Assert.True(claims.IsContactCard);
        Assert.Equal("Nome do Contato", claims.DisplayName);
        Assert.Equal("558199990004@s.whatsapp.net", claims.Sender?.Handle);

        var group = Assert.Single(new EvolutionNormalizer().Normalize(Payload(EventExpectations.ReadFixture("evolution", "contacts-update-array-group.json"))).Events);
        Assert.Null(EventIdentityRules.For(group).Sender);
    }
}

public class OwnershipRulesTests
{
    private static readonly HandleKey P1 = new("whatsapp", "1@s.whatsapp.net");
    private static readonly HandleKey L1 = new("whatsapp", "1@lid");
    private static readonly HandleKey P2 = new("whatsapp", "2@s.whatsapp.net");
    private static readonly HandleKey P3 = new("whatsapp", "3@s.whatsapp.net");

    private static Dictionary<HandleKey, HandleOwnership> Owners(params (HandleKey Key, string Id, bool Primary)[] rows) =>
        rows.ToDictionary(r => r.Key, r => new HandleOwnership(r.Key, r.Id, r.Primary));

    [Fact]
    public void Link_ToTheCurrentOwner_IsAConflict_ElseAMoveFromThePreviousOwner()
    {
        var ex = Assert.Throws<IdentityConflictException>(() => OwnershipRules.PlanLink(P1, new HandleOwnership(P1, "a", true), "a", false));
        Assert.Contains("already belongs", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new HandleMove(P1, "b", "a", true, false), OwnershipRules.PlanLink(P1, new HandleOwnership(P1, "b", true), "a", false));
        Assert.Equal(new HandleMove(P1, null, "a", false, true), OwnershipRules.PlanLink(P1, null, "a", true));
    }

    [Fact]
    public void Merge_IntoItselfOrFromAMergedIdentity_IsAConflict()
    {
        Assert.Throws<IdentityConflictException>(() => OwnershipRules.PlanMerge("m", "a", "a", null, null, []));
        Assert.Throws<IdentityConflictException>(() => OwnershipRules.PlanMerge("m", "a", "b", null, "c", []));
        Assert.Throws<IdentityConflictException>(() => OwnershipRules.PlanMerge("m", "a", "b", "c", null, []));
    }

    [Fact]
    public void MergeThenUnmerge_RestoresTheExactPriorOwnership()
    {
        var before = Owners((P1, "a", true), (L1, "a", false), (P2, "b", true), (P3, "b", false));
        var merge = OwnershipRules.PlanMerge("m", "a", "b", null, null, [.. before.Values.Where(o => o.IdentityId == "b")]);
        var merged = OwnershipRules.Apply(before, merge.Moves);
        Assert.All(merged.Values, o => Assert.Equal("a", o.IdentityId));
        Assert.Equal([P1], merged.Values.Where(o => o.IsPrimary).Select(o => o.Key)); // the target keeps its primary

        var unmerge = OwnershipRules.PlanUnmerge(merge, merged);
        Assert.Empty(unmerge.Skipped);
        Assert.Equal(before, OwnershipRules.Apply(merged, unmerge.Moves));
    }

    [Fact]
    public void Unmerge_AHandleThatMovedOnSinceTheMerge_StaysWhereItIs()
    {
        var before = Owners((P1, "a", true), (P2, "b", true), (P3, "b", false));
        var merge = OwnershipRules.PlanMerge("m", "a", "b", null, null, [.. before.Values.Where(o => o.IdentityId == "b")]);
        var later = OwnershipRules.Apply(OwnershipRules.Apply(before, merge.Moves), [new HandleMove(P3, "a", "c", false, true)]);

        var unmerge = OwnershipRules.PlanUnmerge(merge, later);
        var after = OwnershipRules.Apply(later, unmerge.Moves);

        Assert.Equal("b", after[P2].IdentityId);
        Assert.True(after[P2].IsPrimary);
        Assert.Equal("c", after[P3].IdentityId);
        Assert.Contains("moved on to c", Assert.Single(unmerge.Skipped).Reason, StringComparison.Ordinal);
    }
}
