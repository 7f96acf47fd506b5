using Omni.Engine.Identity;

namespace Omni.Services.Identity;

/// <summary>
/// The write steps every registry change is made of, in the order that keeps the index rows a superset of ownership:
/// index row in, ownership row written, index row out. Ingest and the API both go through here, and both keep the
/// in-process cache current.
/// </summary>
public sealed class IdentityWriter(IdentityStore store, IdentityCache cache, TimeProvider time)
{
    /// <summary>
    /// First sight of <paramref name="key"/>: the identity whose id derives from the handle, then the handle (first writer
    /// wins). Returns the handle's owner, which is a concurrent winner's identity when another writer got there first.
    /// </summary>
    public async Task<string> CreateForFirstSightAsync(HandleKey key, string? name, string? evidenceEventId, CancellationToken cancellationToken)
    {
        var id = IdentityIds.ForFirstHandle(key);
        var now = time.GetUtcNow();
        await store.TryCreateIdentityAsync(new IdentityProfile
        {
            IdentityId = id,
            DisplayName = name,
            DisplayNameSource = name is null ? null : "provider",
            CreatedAt = now,
            UpdatedAt = now,
        }, [key], cancellationToken);
        return await InsertHandleAsync(Handle(key, id, isPrimary: true, name, "ingest", linkId: null, evidenceEventId, now), cancellationToken);
    }

    /// <summary>Gives a handle that has no owner to <paramref name="identityId"/>. Returns the owner afterwards (a concurrent winner's, if any).</summary>
    public async Task<string> AttachAsync(HandleKey key, string identityId, bool isPrimary, string? pushName, string linkedBy, string? linkId,
        string? evidenceEventId, CancellationToken cancellationToken)
    {
        await store.AddMembersAsync(identityId, [key], cancellationToken);
        return await InsertHandleAsync(Handle(key, identityId, isPrimary, pushName, linkedBy, linkId, evidenceEventId, time.GetUtcNow()), cancellationToken);
    }

    /// <summary>Moves a handle read as <paramref name="current"/> (its ETag guards the move) as <paramref name="move"/> says.</summary>
    public async Task MoveAsync(HandleRecord current, HandleMove move, string linkedBy, string linkId, string? evidenceEventId, CancellationToken cancellationToken)
    {
        await store.AddMembersAsync(move.ToIdentityId, [move.Key], cancellationToken);
        await store.ReplaceHandleAsync(current with
        {
            IdentityId = move.ToIdentityId,
            IsPrimary = move.IsPrimary,
            LinkedBy = linkedBy,
            LinkId = linkId,
            EvidenceEventId = evidenceEventId ?? current.EvidenceEventId,
            UpdatedAt = time.GetUtcNow(),
        }, cancellationToken);
        cache.Set(move.Key, move.ToIdentityId);
        await store.RemoveMembersAsync(current.IdentityId, [move.Key], cancellationToken);
    }

    private async Task<string> InsertHandleAsync(HandleRecord handle, CancellationToken cancellationToken)
    {
        if (await store.TryAddHandleAsync(handle, cancellationToken))
        {
            cache.Set(handle.Key, handle.IdentityId);
            foreach (var instance in handle.SeenOn)
            {
                cache.Set(IdentityCache.SeenKey(handle.Key, instance), instance); // written with the row: nothing to note
            }

            return handle.IdentityId;
        }

        var owner = (await store.GetHandleAsync(handle.Key, cancellationToken))?.IdentityId
              ?? throw new InvalidOperationException($"{handle.Key} was reported to exist but cannot be read");
        cache.Set(handle.Key, owner);
        return owner;
    }

    private static HandleRecord Handle(HandleKey key, string identityId, bool isPrimary, string? pushName, string linkedBy, string? linkId,
        string? evidenceEventId, DateTimeOffset now) => new()
    {
        Channel = key.Channel,
        Handle = key.Handle,
        Instance = key.Instance,
        IdentityId = identityId,
        IsPrimary = isPrimary,
        PushName = pushName,
        LinkedBy = linkedBy,
        LinkId = linkId,
        EvidenceEventId = evidenceEventId,
        SeenOn = Omni.Engine.Events.EventKey.InstanceOf(evidenceEventId ?? "") is { } seen ? [seen] : [],
        CreatedAt = now,
        UpdatedAt = now,
    };
}
