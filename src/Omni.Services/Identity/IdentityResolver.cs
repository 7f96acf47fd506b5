using System.Security.Cryptography;
using System.Text;
using Omni.Engine.Events;
using Omni.Engine.Identity;

namespace Omni.Services.Identity;

/// <summary>
/// The normalizer's step: resolves each event's sender to an identity (creating identity and handle on first sight),
/// links a phone JID and its <c>@lid</c> when one payload names both, applies contact cards' names, creates identities
/// for the other people a message names, and stamps <c>identity_id</c>. A handle seen before costs nothing: its owner
/// comes from <see cref="IdentityCache"/>; a miss costs one point read.
/// </summary>
public sealed class IdentityResolver(IdentityStore store, IdentityWriter writer, IdentityCache cache, IdentityOptions options, TimeProvider time)
{
    private const string NameCacheChannel = "#display_name";

    public async Task<IReadOnlyList<OmniEvent>> StampAsync(IReadOnlyList<OmniEvent> events, CancellationToken cancellationToken)
    {
        if (!options.ResolveOnIngest)
        {
            return events;
        }

        var stamped = new List<OmniEvent>(events.Count);
        foreach (var e in events)
        {
            stamped.Add(await StampAsync(e, cancellationToken));
        }

        return stamped;
    }

    public async Task<OmniEvent> StampAsync(OmniEvent e, CancellationToken cancellationToken)
    {
        var claims = EventIdentityRules.For(e);
        if (claims.Sender is not { } sender)
        {
            return e;
        }

        var id = await ResolveSenderAsync(sender, claims.SenderAliases, claims.DisplayName, e, cancellationToken);
        await NoteSeenAsync(sender, e, cancellationToken);
        if (claims.IsContactCard && claims.DisplayName is { } name)
        {
            await ApplyContactCardAsync(id, name, claims.AvatarUrl, cancellationToken);
        }

        foreach (var related in claims.Related)
        {
            _ = await OwnerAsync(related, cancellationToken) ?? await writer.CreateForFirstSightAsync(related, null, e.EventId, cancellationToken);
        }

        return e with { IdentityId = id };
    }

    private async Task<string> ResolveSenderAsync(HandleKey sender, IReadOnlyList<HandleKey> aliases, string? name, OmniEvent e,
        CancellationToken cancellationToken)
    {
        var senderOwner = await OwnerAsync(sender, cancellationToken);
        if (aliases.Count == 0)
        {
            return senderOwner ?? await writer.CreateForFirstSightAsync(sender, name, e.EventId, cancellationToken);
        }

        var alias = aliases[0];
        var aliasOwner = await OwnerAsync(alias, cancellationToken);
        if (senderOwner is not null && senderOwner == aliasOwner)
        {
            return senderOwner;
        }

        // One payload names both addresses: they are one person. A sender seen for the first time joins the identity its
        // alias already has; otherwise the sender's identity (new or known) gets the alias.
        if (senderOwner is null && aliasOwner is not null)
        {
            return await LinkPairAsync(sender, aliasOwner, alias, name, e, cancellationToken);
        }

        var id = senderOwner ?? await writer.CreateForFirstSightAsync(sender, name, e.EventId, cancellationToken);
        if (aliasOwner != id)
        {
            await LinkPairAsync(alias, id, sender, null, e, cancellationToken);
        }

        return id;
    }

    /// <summary>
    /// Records the proof (this payload) and gives <paramref name="handle"/> to <paramref name="id"/>, from whoever had it.
    /// Returns the handle's owner afterwards (a concurrent first writer's, if it lost that race).
    /// </summary>
    private async Task<string> LinkPairAsync(HandleKey handle, string id, HandleKey other, string? pushName, OmniEvent e, CancellationToken cancellationToken)
    {
        var current = await store.GetHandleAsync(handle, cancellationToken);
        if (current?.IdentityId == id)
        {
            cache.Set(handle, id);
            return id;
        }

        var move = new HandleMove(handle, current?.IdentityId, id, current?.IsPrimary ?? false, IsPrimary: false);
        var record = new LinkRecord
        {
            // Derived from the event and the handle: a redelivered payload appends nothing new.
            LinkId = IdentityIds.NewRecordId(IdentityIds.LinkPrefix, e.ReceivedAt, Hash(e.EventId + "\n" + handle)),
            Kind = LinkKinds.AutoLink,
            IdentityId = id,
            FromIdentityId = current?.IdentityId,
            Moves = [HandleMoveRecord.From(move)],
            Actor = "ingest",
            Reason = $"one payload names {other.Handle} and {handle.Handle} as the same sender",
            EvidenceEventId = e.EventId,
            EvidenceRawBlob = e.RawBlob,
            CreatedAt = time.GetUtcNow(),
        };
        await store.TryAppendLinkAsync(record, cancellationToken);
        if (current is null)
        {
            return await writer.AttachAsync(handle, id, isPrimary: false, pushName, LinkKinds.AutoLink, record.LinkId, e.EventId, cancellationToken);
        }

        await writer.MoveAsync(current, move, LinkKinds.AutoLink, record.LinkId, e.EventId, cancellationToken);
        return id;
    }

    /// <summary>
    /// Records that <paramref name="e"/>'s instance showed the handle (<see cref="HandleRecord.SeenOn"/>), once per
    /// handle and instance: a pair this process noted before costs nothing, otherwise one point read (and one merge on a
    /// new instance). A first sight already carries its instance.
    /// </summary>
    private async Task NoteSeenAsync(HandleKey handle, OmniEvent e, CancellationToken cancellationToken)
    {
        var noted = IdentityCache.SeenKey(handle, e.Instance);
        if (cache.Get(noted) is not null)
        {
            return;
        }

        if (await store.AddSeenOnAsync(handle, e.Instance, cancellationToken))
        {
            cache.Set(noted, e.Instance);
        }
    }

    private async Task ApplyContactCardAsync(string id, string name, string? avatarUrl, CancellationToken cancellationToken)
    {
        var remembered = new HandleKey(NameCacheChannel, id);
        var card = name + "\n" + avatarUrl;
        if (cache.Get(remembered) == card)
        {
            return;
        }

        if (await store.GetIdentityAsync(id, cancellationToken) is { } found && found.Profile.DisplayNameSource != "user" &&
            (found.Profile.DisplayName != name || (avatarUrl is not null && found.Profile.AvatarUrl != avatarUrl)))
        {
            try
            {
                await store.ReplaceProfileAsync(found.Profile with
                {
                    DisplayName = name,
                    DisplayNameSource = "provider",
                    AvatarUrl = avatarUrl ?? found.Profile.AvatarUrl,
                    UpdatedAt = time.GetUtcNow(),
                }, cancellationToken);
            }
            catch (IdentityConflictException)
            {
                return; // someone changed the profile meanwhile (a PATCH): theirs stands; the next card tries again
            }
        }

        cache.Set(remembered, card);
    }

    private async Task<string?> OwnerAsync(HandleKey key, CancellationToken cancellationToken)
    {
        if (cache.Get(key) is { } cached)
        {
            return cached;
        }

        var owner = (await store.GetHandleAsync(key, cancellationToken))?.IdentityId;
        if (owner is not null)
        {
            cache.Set(key, owner);
        }

        return owner;
    }

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
