using System.Globalization;
using System.Text;
using Omni.Engine.Conversations;
using Omni.Services.Configuration;
using Omni.Services.Http;
using Omni.Services.Identity;

namespace Omni.Services.Conversations;

/// <summary>A conversation summary, the instance it belongs to and what workflows wrote about it (its stored summary and tags).</summary>
public sealed record ConversationEntry(string Instance, ConversationSummary Summary, ConversationNotes Notes)
{
    public ConversationEntry(string instance, ConversationSummary summary)
        : this(instance, summary, ConversationNotes.Empty)
    {
    }
}

public sealed record ConversationPage(IReadOnlyList<ConversationEntry> Conversations, string? Continuation);

/// <summary>One person's reply state across channels, with the conversations it was rolled up from.</summary>
public sealed record PersonState(string IdentityId, ReplyRollup State, IReadOnlyList<ConversationEntry> Conversations);

public sealed record PersonPage(IReadOnlyList<PersonState> People, string? Continuation);

/// <summary>
/// Conversations and people by reply state, read from the summary rows the normalizer keeps (one range read per instance,
/// no event scan): the REST routes, the MCP tools and <c>wish</c> all list through here. Pages are positions in "most
/// recently active first" order, so a page never repeats or skips an entry. Throws <see cref="ArgumentException"/> for a
/// continuation token that is not one of ours.
/// </summary>
public sealed class ConversationQueryService(ConversationStore store, ConversationNotesStore notes, IdentityService identities, OmniOptions options)
{
    /// <summary>The conversations of <paramref name="instances"/> that pass <paramref name="filter"/>, most recently active first.</summary>
    public async Task<ConversationPage> ListAsync(IReadOnlyList<string> instances, ConversationFilter filter, int limit, string? continuation,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var all = (await LoadAsync(instances, cancellationToken)).Where(filter.Matches).ToList();
        var (page, next) = Page(all, c => (c.Summary.LastEventAt.UtcTicks, c.Instance + "|" + c.Summary.ConversationId), limit, continuation);
        return new ConversationPage(page, next);
    }

    /// <summary>
    /// People (the identities stamped on the inbound messages of direct chats) whose reply state across every listed
    /// instance passes <paramref name="filter"/>: "who has not answered on any channel for 7 days".
    /// </summary>
    public async Task<PersonPage> ListPeopleAsync(IReadOnlyList<string> instances, ConversationFilter filter, int limit, string? continuation,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var people = (await LoadAsync(instances, cancellationToken))
            .Where(c => !c.Summary.IsGroup && filter.MatchesTag(c.Notes))
            .SelectMany(c => c.Summary.ContactIdentities.Select(id => (Id: id, Conversation: c)))
            .GroupBy(x => x.Id, StringComparer.Ordinal)
            .Select(g => Person(g.Key, [.. g.Select(x => x.Conversation)]))
            .Where(p => filter.Matches(p.State))
            .ToList();
        var (page, next) = Page(people, p => (p.State.LastEventAt.UtcTicks, p.IdentityId), limit, continuation);
        return new PersonPage(page, next);
    }

    /// <summary>
    /// One identity's conversations on the instances <paramref name="caller"/> may read, through the handles it owns now
    /// (a link or merge counts at once), and its reply state across them. Null when the identity is unknown or not visible.
    /// </summary>
    public async Task<PersonState?> ForIdentityAsync(Caller caller, string identityId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await identities.GetAsync(identityId, cancellationToken) is not { } found || IdentityScope.View(caller, found) is not { } identity)
        {
            return null;
        }

        var instances = caller.Readable(options.Instances.Keys);
        var mine = (await LoadAsync(instances, cancellationToken))
            .Where(c => identity.Handles.Any(h => Owns(h, c)))
            .ToList();
        return Person(identityId, mine);
    }

    private bool Owns(HandleView handle, ConversationEntry c) =>
        options.Instances.TryGetValue(c.Instance, out var config) && IdentityTimeline.ChannelOfProvider(config.Provider) == handle.Channel &&
        (handle.Instance is null || handle.Instance == c.Instance) &&
        (c.Summary.ContactHandles.Contains(handle.Handle, StringComparer.Ordinal) || (!c.Summary.IsGroup && c.Summary.ConversationId == handle.Handle));

    private static PersonState Person(string identityId, IReadOnlyList<ConversationEntry> conversations) =>
        new(identityId, ReplyRollup.Of([.. conversations.Select(c => c.Summary)]),
            [.. conversations.OrderByDescending(c => c.Summary.LastEventAt).ThenBy(c => c.Instance, StringComparer.Ordinal)]);

    private async Task<List<ConversationEntry>> LoadAsync(IReadOnlyList<string> instances, CancellationToken cancellationToken)
    {
        var lists = await Task.WhenAll(instances.Select(async i =>
        {
            var (list, written) = (store.ListAsync(i, cancellationToken), notes.ListAsync(i, cancellationToken));
            return (Instance: i, List: await list, Notes: await written);
        }));
        return
        [
            .. lists.SelectMany(l => l.List.Select(s =>
                new ConversationEntry(l.Instance, s, l.Notes.GetValueOrDefault(s.ConversationId) ?? ConversationNotes.Empty))),
        ];
    }

    /// <summary>Sorts by (ticks desc, id asc) and cuts the page after the token's position.</summary>
    private static (List<T> Page, string? Next) Page<T>(List<T> all, Func<T, (long Ticks, string Id)> key, int limit, string? continuation)
    {
        var sorted = all.Select(x => (Item: x, Key: key(x))).OrderByDescending(x => x.Key.Ticks).ThenBy(x => x.Key.Id, StringComparer.Ordinal).ToList();
        var start = 0;
        if (continuation is not null)
        {
            var cut = Decode(continuation) ?? throw new ArgumentException("the continuation token is not valid", nameof(continuation));
            start = sorted.TakeWhile(x => x.Key.Ticks > cut.Ticks || (x.Key.Ticks == cut.Ticks && string.CompareOrdinal(x.Key.Id, cut.Id) <= 0)).Count();
        }

        var page = sorted.Skip(start).Take(limit).ToList();
        var more = start + page.Count < sorted.Count && page.Count > 0;
        return ([.. page.Select(x => x.Item)], more ? Encode(page[^1].Key) : null);
    }

    private static string Encode((long Ticks, string Id) key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(key.Ticks.ToString(CultureInfo.InvariantCulture) + "|" + key.Id))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (long Ticks, string Id)? Decode(string token)
    {
        try
        {
            var s = token.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=')));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            return bar > 0 && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                ? (ticks, text[(bar + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
