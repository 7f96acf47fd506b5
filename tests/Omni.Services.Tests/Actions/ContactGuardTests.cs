using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Workflows.Running;
using Omni.Services.Actions;
using Omni.Services.Actions.Guards;
using Omni.Services.Contacts;
using Omni.Services.Tests.Support;

namespace Omni.Services.Tests.Actions;

/// <summary>guard.allowlist, guard.denylist, guard.blocklist and guard.contact_override: handles and identities, in canonical form; stored lists in Azurite.</summary>
[Collection(UsesAzurite.Name)]
public sealed class ContactGuardTests(AzuriteFixture azurite)
{
    private const string Ana = "5511999990001@s.whatsapp.net";
    private const string AnaIdentity = "idn_0123456789abcdef0123456789abcdef";
    private const string Group = "120363000000000001@g.us";

    private static GuardVerdict Verdict(ActionOutcome outcome) => GuardVerdict.Parse(outcome.Output) ?? throw new InvalidOperationException("not a verdict");

    private static Omni.Engine.Events.OmniEvent From(string sender, string? identity = null) =>
        ActionsHost.TextEvent(conversation: sender) with { IdentityId = identity };

    [Fact]
    public async Task Allowlist_BareNumberMatchesJid_IdentityMatchesAnyHandle_OthersStop()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        async Task<ActionOutcome> Ask(Omni.Engine.Events.OmniEvent e, object parameters) =>
            await host.Registry.ExecuteAsync(ActionsHost.Invocation(AllowlistGuard.Id, e, parameters));

        var byNumber = await Ask(From(Ana), new { handles = new[] { "+55 11 99999-0001" }, match = "sender" });
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(byNumber).Verdict);
        Assert.Equal(Ana, byNumber.OutputString("matched"));

        // The sender writes from an @lid alias, but the event is stamped with the identity that is on the list.
        var byIdentity = await Ask(From("100000000000001@lid", AnaIdentity), new { handles = new[] { AnaIdentity }, match = "sender" });
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(byIdentity).Verdict);
        Assert.Equal(AnaIdentity, byIdentity.OutputString("matched"));

        var stranger = await Ask(From("5511988887777@s.whatsapp.net"), new { handles = new[] { Ana, "not a handle" }, match = "sender" });
        var stop = Verdict(stranger);
        Assert.Equal((GuardVerdict.StopVerdict, "sender not on the allowlist"), (stop.Verdict, stop.Reason));
        Assert.Contains("'not a handle'", stranger.Summary, StringComparison.Ordinal);

        // match: conversation compares the chat: a group allowed as a whole, whoever writes in it.
        var inGroup = ActionsHost.TextEvent(conversation: Group, isGroup: true);
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await Ask(inGroup, new { handles = new[] { Group.ToUpperInvariant() }, match = "conversation" })).Verdict);
        Assert.Equal(GuardVerdict.StopVerdict, Verdict(await Ask(inGroup, new { handles = new[] { Group }, match = "sender" })).Verdict);

        await Assert.ThrowsAsync<PermanentActionException>(() => Ask(From(Ana), new { handles = new[] { Ana }, match = "everyone" }));
        await Assert.ThrowsAsync<PermanentActionException>(() => Ask(From(Ana), new { match = "sender" }));
    }

    [Fact]
    public async Task Denylist_StopsListedSenderOrConversation_ContinuesOthers()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        async Task<GuardVerdict> Ask(Omni.Engine.Events.OmniEvent e, object parameters) =>
            Verdict(await host.Registry.ExecuteAsync(ActionsHost.Invocation(DenylistGuard.Id, e, parameters)));

        var denied = await Ask(From(Ana), new { handles = new[] { "5511999990001" } });
        Assert.Equal((GuardVerdict.StopVerdict, "sender on the denylist"), (denied.Verdict, denied.Reason));
        Assert.Equal(GuardVerdict.StopVerdict, (await Ask(From("5511999990009@s.whatsapp.net", AnaIdentity), new { handles = new[] { AnaIdentity } })).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask(From("5511999990009@s.whatsapp.net"), new { handles = new[] { Ana } })).Verdict);
        var inGroup = ActionsHost.TextEvent(conversation: Group, isGroup: true);
        Assert.Equal(GuardVerdict.StopVerdict, (await Ask(inGroup, new { handles = new[] { Group }, match = "conversation" })).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict, (await Ask(inGroup, new { handles = new[] { Group }, match = "sender" })).Verdict);
    }

    [Fact]
    public async Task ContactListStore_AddListRemove_IdempotentAndPerInstanceAndList()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var lists = host.Services.GetRequiredService<ContactListStore>();

        var (first, added) = await lists.AddAsync("demo", "blocked", Ana, CancellationToken.None);
        var (again, addedAgain) = await lists.AddAsync("demo", "blocked", Ana, CancellationToken.None);
        await lists.AddAsync("demo", "blocked", AnaIdentity, CancellationToken.None);
        await lists.AddAsync("demo", "vip", Group, CancellationToken.None);
        await lists.AddAsync("other", "blocked", Group, CancellationToken.None);

        Assert.True(added);
        Assert.False(addedAgain);
        Assert.Equal(first.AddedAt, again.AddedAt);
        var blocked = await lists.ListAsync("demo", "blocked", CancellationToken.None);
        Assert.Equal([(Ana, "handle"), (AnaIdentity, "identity")], blocked.Select(e => (e.Entry, e.Kind)).OrderBy(e => e.Kind, StringComparer.Ordinal));
        Assert.Equal(Group, Assert.Single(await lists.ListAsync("demo", "vip", CancellationToken.None)).Entry);
        Assert.Empty(await lists.ListAsync("demo", "nobody-wrote-this", CancellationToken.None));
        Assert.Null(await lists.FindAnyAsync("demo", "blocked", [Group], CancellationToken.None));
        Assert.Equal(AnaIdentity, await lists.FindAnyAsync("demo", "blocked", ["5511000000000@s.whatsapp.net", AnaIdentity], CancellationToken.None));

        Assert.True(await lists.RemoveAsync("demo", "blocked", Ana, CancellationToken.None));
        Assert.False(await lists.RemoveAsync("demo", "blocked", Ana, CancellationToken.None));
        Assert.Equal(AnaIdentity, Assert.Single(await lists.ListAsync("demo", "blocked", CancellationToken.None)).Entry);
        Assert.False(ContactListStore.IsValidListName("Blocked"));
        Assert.False(ContactListStore.IsValidListName(new string('a', 65)));
        Assert.True(ContactListStore.IsValidListName("vip_2-b"));
    }

    [Fact]
    public async Task Blocklist_StoredListByHandleIdentityOrGroup_DefaultAndNamedLists()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        var lists = host.Services.GetRequiredService<ContactListStore>();
        await lists.AddAsync("demo", "blocked", Ana, CancellationToken.None);
        await lists.AddAsync("demo", "blocked", AnaIdentity, CancellationToken.None);
        await lists.AddAsync("demo", "blocked", Group, CancellationToken.None);
        await lists.AddAsync("demo", "spam", "5511977776666@s.whatsapp.net", CancellationToken.None);
        async Task<ActionOutcome> Ask(Omni.Engine.Events.OmniEvent e, object? parameters = null) =>
            await host.Registry.ExecuteAsync(ActionsHost.Invocation(BlocklistGuard.Id, e, parameters));

        var blocked = await Ask(From(Ana));
        Assert.Equal((GuardVerdict.StopVerdict, "on the block list 'blocked'"), (Verdict(blocked).Verdict, Verdict(blocked).Reason));
        Assert.Equal(Ana, blocked.OutputString("matched"));
        Assert.Equal(AnaIdentity, (await Ask(From("100000000000001@lid", AnaIdentity))).OutputString("matched"));
        Assert.Equal(GuardVerdict.StopVerdict, Verdict(await Ask(ActionsHost.TextEvent(conversation: Group, isGroup: true))).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await Ask(From("5511977776666@s.whatsapp.net"))).Verdict);
        Assert.Equal(GuardVerdict.StopVerdict, Verdict(await Ask(From("5511977776666@s.whatsapp.net"), new { list = "spam" })).Verdict);
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await Ask(From(Ana), new { list = "spam" })).Verdict);
        // Another instance's list does not apply.
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(await Ask(From(Ana) with { Instance = "other" })).Verdict);
        await Assert.ThrowsAsync<PermanentActionException>(() => Ask(From(Ana), new { list = "Not A List" }));
    }

    [Fact]
    public async Task ContactOverride_HandlesOrStoredLabelList_NeverStops_OutputCarriesTheOverride()
    {
        await using var host = await ActionsHost.StartAsync(azurite);
        await host.Services.GetRequiredService<ContactListStore>().AddAsync("demo", "vip", AnaIdentity, CancellationToken.None);
        // The labelled id resolves to the executor of guard.contact_override; the interpreter renders the label as a parameter.
        async Task<ActionOutcome> Ask(Omni.Engine.Events.OmniEvent e, object parameters) =>
            await host.Registry.ExecuteAsync(ActionsHost.Invocation("guard.contact_override.vip", e, parameters));

        var listed = await Ask(From(Ana), new { label = "vip", handles = new[] { "5511999990001" }, agent = "concierge", system_prompt = "Be warm." });
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(listed).Verdict);
        Assert.True(listed.Output.GetProperty("applies").GetBoolean());
        Assert.Equal(("vip", "concierge", "Be warm."), (listed.OutputString("label"), listed.OutputString("agent"), listed.OutputString("system_prompt")));

        var notListed = await Ask(From("5511988887777@s.whatsapp.net"), new { label = "vip", handles = new[] { Ana }, agent = "concierge" });
        Assert.Equal(GuardVerdict.ContinueVerdict, Verdict(notListed).Verdict);
        Assert.False(notListed.Output.GetProperty("applies").GetBoolean());
        Assert.Null(notListed.OutputString("agent"));

        // No handles: the stored list named by the label ("vip"), here by identity.
        var stored = await Ask(From("100000000000001@lid", AnaIdentity), new { label = "vip", handles = Array.Empty<string>(), agent = "concierge" });
        Assert.True(stored.Output.GetProperty("applies").GetBoolean());
        Assert.Equal("concierge", stored.OutputString("agent"));
        Assert.False((await Ask(From(Ana), new { label = "vip", agent = "concierge" })).Output.GetProperty("applies").GetBoolean());

        // The label alone, from the id.
        var fromId = await host.Registry.ExecuteAsync(ActionsHost.Invocation("guard.contact_override.vip", From(Ana, AnaIdentity), new { agent = "concierge" }));
        Assert.Equal(("vip", true), (fromId.OutputString("label"), fromId.Output.GetProperty("applies").GetBoolean()));
    }
}
