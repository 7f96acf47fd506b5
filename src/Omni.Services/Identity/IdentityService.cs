using System.Security.Cryptography;
using Omni.Engine.Identity;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Services.Identity;

/// <summary>An identity as the API shows it: the profile and the handles it owns now.</summary>
public sealed record IdentityView(
    string IdentityId,
    string? DisplayName,
    string EntityType,
    string? PreferredChannel,
    string? AvatarUrl,
    string? MergedInto,
    string? MergeId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<HandleView> Handles)
{
    /// <summary>
    /// Why <see cref="PreferredChannel"/> is what it is: <c>explicit</c> (a user chose it), <c>recent_exchange</c>,
    /// <c>primary_handle</c> or <c>none</c> (<see cref="Omni.Engine.Identity.PreferredChannel"/>).
    /// </summary>
    public string PreferredChannelSource { get; init; } = Omni.Engine.Identity.PreferredChannel.None;

    /// <summary>Where a message to this person goes on the preferred channel, when known (<see cref="PreferredChannels"/>).</summary>
    public PreferredRoute? PreferredRoute { get; init; }
}

/// <summary>A conversation that reaches a person: an instance and a conversation on it, and when the exchange there was.</summary>
public sealed record PreferredRoute(string Instance, string ConversationId, DateTimeOffset? ExchangedAt);

public sealed record HandleView(
    string Channel,
    string Handle,
    string? Instance,
    bool IsPrimary,
    string? PushName,
    string? AvatarUrl,
    string? Phone,
    string LinkedBy,
    string? LinkId,
    string? EvidenceEventId,
    IReadOnlyList<string> SeenOn,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static HandleView From(HandleRecord h) => new(h.Channel, h.Handle, h.Instance, h.IsPrimary, h.PushName, h.AvatarUrl,
        PhoneOf(h), h.LinkedBy, h.LinkId, h.EvidenceEventId, h.SeenOn, h.CreatedAt, h.UpdatedAt);

    private static string? PhoneOf(HandleRecord h) =>
        h.Channel == Omni.Engine.Events.Channels.WhatsApp && h.Handle.EndsWith("@s.whatsapp.net", StringComparison.Ordinal) && !WaJid.IsLid(h.Handle)
            ? "+" + h.Handle[..h.Handle.IndexOf('@', StringComparison.Ordinal)]
            : null;
}

public sealed record MergeResult(LinkRecord Merge, IdentityView Identity, IdentityView FromIdentity);

public sealed record UnmergeResult(LinkRecord Unmerge, IReadOnlyList<SkippedHandle> Skipped, IdentityView Identity, IdentityView RestoredIdentity);

public sealed record LinkResult(LinkRecord Link, IdentityView Identity);

/// <summary>
/// A change to an identity's profile; null leaves a field as it is. <see cref="PreferredChannel"/> <c>auto</c> clears the
/// user's choice (the preference is then chosen from the exchanges).
/// </summary>
public sealed record IdentityPatch(string? DisplayName, string? PreferredChannel, string? EntityType)
{
    public const string Automatic = "auto";
}

/// <summary>
/// The registry's use cases behind the API: look up, search, link, merge, unmerge, edit. Decisions come from
/// <see cref="OwnershipRules"/>; this reads the current state, records the history, then applies the moves.
/// </summary>
public sealed class IdentityService(IdentityStore store, IdentityWriter writer, TimeProvider time)
{
    public async Task<IdentityView?> GetAsync(string identityId, CancellationToken cancellationToken)
    {
        if (!IdentityIds.IsIdentityId(identityId) || await store.GetIdentityAsync(identityId, cancellationToken) is not { } found)
        {
            return null;
        }

        return View(found.Profile, await OwnedHandlesAsync(identityId, found.Handles, cancellationToken));
    }

    /// <summary>The handles <paramref name="identityId"/> owns now: its index rows, each confirmed by its ownership row.</summary>
    public async Task<IReadOnlyList<HandleRecord>> OwnedHandlesAsync(string identityId, IReadOnlyList<HandleKey> indexed, CancellationToken cancellationToken)
    {
        var owned = new List<HandleRecord>(indexed.Count);
        foreach (var key in indexed)
        {
            var handle = await store.GetHandleAsync(key, cancellationToken);
            if (handle?.IdentityId == identityId)
            {
                owned.Add(handle);
            }
        }

        return [.. owned.OrderByDescending(h => h.IsPrimary).ThenBy(h => h.Channel, StringComparer.Ordinal).ThenBy(h => h.Handle, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Identities whose display name contains <paramref name="query"/> (folded: case and accents ignored; names that start
    /// with it first) or whose handle contains it (a phone number matches by its digits). An empty query lists identities.
    /// Identities merged into another, and those left without handles, are not listed.
    /// </summary>
    public async Task<IReadOnlyList<IdentityView>> SearchAsync(string? query, int limit, CancellationToken cancellationToken)
    {
        var folded = NameFolding.Fold(query);
        var raw = query?.Trim() ?? "";
        var digits = new string([.. raw.Where(char.IsAsciiDigit)]);
        var candidates = new List<(int Rank, IdentityProfile Profile, IReadOnlyList<HandleKey> Handles)>();
        await foreach (var (profile, handles) in store.ScanAsync(cancellationToken))
        {
            if (profile.MergedInto is not null)
            {
                continue;
            }

            var name = NameFolding.Fold(profile.DisplayName);
            int? rank = folded.Length == 0 ? 2
                : name.StartsWith(folded, StringComparison.Ordinal) ? 0
                : name.Contains(" " + folded, StringComparison.Ordinal) ? 1
                : name.Contains(folded, StringComparison.Ordinal) ? 2
                : handles.Any(h => h.Handle.Contains(raw, StringComparison.OrdinalIgnoreCase) ||
                                   (digits.Length >= 4 && h.Handle.Contains(digits, StringComparison.Ordinal))) ? 3
                : null;
            if (rank is { } r)
            {
                candidates.Add((r, profile, handles));
            }
        }

        var results = new List<IdentityView>();
        foreach (var (_, profile, handles) in candidates
                     .OrderBy(c => c.Rank)
                     .ThenBy(c => NameFolding.Fold(c.Profile.DisplayName), StringComparer.Ordinal)
                     .ThenBy(c => c.Profile.IdentityId, StringComparer.Ordinal))
        {
            var owned = await OwnedHandlesAsync(profile.IdentityId, handles, cancellationToken);
            if (owned.Count > 0)
            {
                results.Add(View(profile, owned));
                if (results.Count == limit)
                {
                    break;
                }
            }
        }

        return results;
    }

    /// <summary>Links a handle to an identity, moving it from its current owner if it has one. Null when the identity is unknown.</summary>
    public async Task<LinkResult?> LinkAsync(string identityId, HandleKey key, bool isPrimary, string actor, CancellationToken cancellationToken)
    {
        if (await LoadAsync(identityId, cancellationToken) is not { } target)
        {
            return null;
        }

        if (target.Profile.MergedInto is { } mergedInto)
        {
            throw new IdentityConflictException($"{identityId} is merged into {mergedInto}; link the handle to that identity");
        }

        var current = await store.GetHandleAsync(key, cancellationToken);
        var move = OwnershipRules.PlanLink(key, current is null ? null : new HandleOwnership(key, current.IdentityId, current.IsPrimary), identityId, isPrimary);
        var record = NewRecord(IdentityIds.LinkPrefix, LinkKinds.Link, identityId, current?.IdentityId, [move], actor,
            current is null ? $"linked {key}" : $"moved {key} from {current.IdentityId}");
        await store.TryAppendLinkAsync(record, cancellationToken);
        if (current is null)
        {
            var owner = await writer.AttachAsync(key, identityId, isPrimary, null, "api", record.LinkId, null, cancellationToken);
            if (owner != identityId)
            {
                throw new IdentityConflictException($"{key} was claimed by {owner} at the same moment; try again");
            }
        }
        else
        {
            await writer.MoveAsync(current, move, "api", record.LinkId, null, cancellationToken);
        }

        if (isPrimary)
        {
            await DemoteOtherPrimariesAsync(identityId, key, target.Handles, cancellationToken);
        }

        return new LinkResult(record, (await GetAsync(identityId, cancellationToken))!);
    }

    /// <summary>Merges <paramref name="fromId"/> into <paramref name="intoId"/>: the history record first, then every handle moves.</summary>
    public async Task<MergeResult> MergeAsync(string intoId, string fromId, string actor, CancellationToken cancellationToken)
    {
        if (intoId == fromId)
        {
            throw new IdentityConflictException($"an identity cannot be merged into itself ({intoId})");
        }

        var into = await LoadAsync(intoId, cancellationToken) ?? throw new IdentityNotFoundException(intoId);
        var from = await LoadAsync(fromId, cancellationToken) ?? throw new IdentityNotFoundException(fromId);
        var owned = await OwnedHandlesAsync(fromId, from.Handles, cancellationToken);
        var mergeId = NewId(IdentityIds.MergePrefix);
        var plan = OwnershipRules.PlanMerge(mergeId, intoId, fromId, into.Profile.MergedInto, from.Profile.MergedInto,
            [.. owned.Select(h => new HandleOwnership(h.Key, h.IdentityId, h.IsPrimary))]);
        var record = NewRecord(mergeId, LinkKinds.Merge, intoId, fromId, plan.Moves, actor, $"merged {fromId} into {intoId}");
        await store.TryAppendLinkAsync(record, cancellationToken);

        var byKey = owned.ToDictionary(h => h.Key);
        foreach (var move in plan.Moves)
        {
            await writer.MoveAsync(byKey[move.Key], move, LinkKinds.Merge, mergeId, null, cancellationToken);
        }

        await store.ReplaceProfileAsync(from.Profile with { MergedInto = intoId, MergeId = mergeId, UpdatedAt = time.GetUtcNow() }, cancellationToken);
        return new MergeResult(record, (await GetAsync(intoId, cancellationToken))!, (await GetAsync(fromId, cancellationToken))!);
    }

    /// <summary>Undoes a merge recorded on <paramref name="identityId"/>: handles it moved that are still there go back.</summary>
    public async Task<UnmergeResult> UnmergeAsync(string identityId, string mergeId, string actor, CancellationToken cancellationToken)
    {
        if (await store.GetIdentityAsync(identityId, cancellationToken) is null)
        {
            throw new IdentityNotFoundException(identityId);
        }

        var merge = IdentityIds.IsMergeId(mergeId) ? await store.GetLinkAsync(identityId, mergeId, cancellationToken) : null;
        if (merge is not { Kind: LinkKinds.Merge, FromIdentityId: { } fromId })
        {
            throw new IdentityNotFoundException(identityId, $"no merge '{mergeId}' into {identityId}");
        }

        var unmergeId = IdentityIds.UnmergeIdFor(mergeId);
        if (await store.GetLinkAsync(identityId, unmergeId, cancellationToken) is not null)
        {
            throw new IdentityConflictException($"merge {mergeId} was already undone ({unmergeId})");
        }

        var plan = new MergePlan(mergeId, identityId, fromId, [.. merge.Moves.Select(m => m.ToMove())]);
        var current = new Dictionary<HandleKey, HandleRecord>();
        foreach (var move in plan.Moves)
        {
            if (await store.GetHandleAsync(move.Key, cancellationToken) is { } handle)
            {
                current[move.Key] = handle;
            }
        }

        var unmerge = OwnershipRules.PlanUnmerge(plan, current.ToDictionary(p => p.Key, p => new HandleOwnership(p.Key, p.Value.IdentityId, p.Value.IsPrimary)));
        foreach (var move in unmerge.Moves)
        {
            await writer.MoveAsync(current[move.Key], move, LinkKinds.Unmerge, unmergeId, null, cancellationToken);
        }

        if (await store.GetIdentityAsync(fromId, cancellationToken) is { } from && from.Profile.MergeId == mergeId)
        {
            await store.ReplaceProfileAsync(from.Profile with { MergedInto = null, MergeId = null, UpdatedAt = time.GetUtcNow() }, cancellationToken);
        }

        var record = new LinkRecord
        {
            LinkId = unmergeId,
            Kind = LinkKinds.Unmerge,
            IdentityId = identityId,
            FromIdentityId = fromId,
            MergeId = mergeId,
            Moves = [.. unmerge.Moves.Select(HandleMoveRecord.From)],
            Actor = actor,
            Reason = unmerge.Skipped.Count == 0 ? $"undid {mergeId}" : $"undid {mergeId}; {unmerge.Skipped.Count} handle(s) had moved on and stay",
            CreatedAt = time.GetUtcNow(),
        };
        await store.TryAppendLinkAsync(record, cancellationToken);
        return new UnmergeResult(record, unmerge.Skipped, (await GetAsync(identityId, cancellationToken))!, (await GetAsync(fromId, cancellationToken))!);
    }

    /// <summary>Edits the profile. A display name set here is never overwritten by contact cards. Null when unknown.</summary>
    public async Task<IdentityView?> PatchAsync(string identityId, IdentityPatch patch, CancellationToken cancellationToken)
    {
        if (await LoadAsync(identityId, cancellationToken) is not { } found)
        {
            return null;
        }

        var profile = found.Profile;
        await store.ReplaceProfileAsync(profile with
        {
            DisplayName = patch.DisplayName ?? profile.DisplayName,
            DisplayNameSource = patch.DisplayName is null ? profile.DisplayNameSource : "user",
            PreferredChannel = patch.PreferredChannel switch
            {
                null => profile.PreferredChannel,
                IdentityPatch.Automatic => null,
                var chosen => chosen,
            },
            EntityType = patch.EntityType ?? profile.EntityType,
            UpdatedAt = time.GetUtcNow(),
        }, cancellationToken);
        return await GetAsync(identityId, cancellationToken);
    }

    public Task<IReadOnlyList<LinkRecord>> HistoryAsync(string identityId, int limit, CancellationToken cancellationToken) =>
        store.ListLinksAsync(identityId, limit, cancellationToken);

    private async Task DemoteOtherPrimariesAsync(string identityId, HandleKey primary, IReadOnlyList<HandleKey> indexed, CancellationToken cancellationToken)
    {
        foreach (var handle in await OwnedHandlesAsync(identityId, indexed, cancellationToken))
        {
            if (handle.IsPrimary && handle.Key != primary)
            {
                await store.ReplaceHandleAsync(handle with { IsPrimary = false, UpdatedAt = time.GetUtcNow() }, cancellationToken);
            }
        }
    }

    private async Task<(IdentityProfile Profile, IReadOnlyList<HandleKey> Handles)?> LoadAsync(string identityId, CancellationToken cancellationToken) =>
        IdentityIds.IsIdentityId(identityId) ? await store.GetIdentityAsync(identityId, cancellationToken) : null;

    private LinkRecord NewRecord(string idOrPrefix, string kind, string identityId, string? fromId, IEnumerable<HandleMove> moves, string actor, string reason) => new()
    {
        LinkId = idOrPrefix.Length > 4 ? idOrPrefix : NewId(idOrPrefix),
        Kind = kind,
        IdentityId = identityId,
        FromIdentityId = fromId,
        Moves = [.. moves.Select(HandleMoveRecord.From)],
        Actor = actor,
        Reason = reason,
        CreatedAt = time.GetUtcNow(),
    };

    private string NewId(string prefix) => IdentityIds.NewRecordId(prefix, time.GetUtcNow(), RandomNumberGenerator.GetBytes(6));

    /// <summary>
    /// The view without reading any exchange: the user's preferred channel, else the primary handle's. The endpoints and
    /// tools refine it with <see cref="PreferredChannels.ResolveAsync"/>.
    /// </summary>
    private static IdentityView View(IdentityProfile p, IReadOnlyList<HandleRecord> handles) =>
        new(p.IdentityId, p.DisplayName, p.EntityType, p.PreferredChannel ?? (handles.Count > 0 ? handles[0].Channel : null), p.AvatarUrl, p.MergedInto, p.MergeId,
            p.CreatedAt, p.UpdatedAt, [.. handles.Select(HandleView.From)])
        {
            PreferredChannelSource = p.PreferredChannel is not null ? Omni.Engine.Identity.PreferredChannel.Explicit
                : handles.Count > 0 ? Omni.Engine.Identity.PreferredChannel.PrimaryHandle
                : Omni.Engine.Identity.PreferredChannel.None,
        };
}

/// <summary>An identity named in a request does not exist: answered 404.</summary>
public sealed class IdentityNotFoundException : Exception
{
    public IdentityNotFoundException(string identityId, string? message = null) : base(message ?? $"no identity '{identityId}'") => IdentityId = identityId;

    public IdentityNotFoundException()
    {
        IdentityId = "";
    }

    public IdentityNotFoundException(string message, Exception innerException) : base(message, innerException) => IdentityId = "";

    public string IdentityId { get; }
}
