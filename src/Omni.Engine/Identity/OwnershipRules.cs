namespace Omni.Engine.Identity;

/// <summary>Who owns a handle right now, and whether it is that identity's primary handle.</summary>
public sealed record HandleOwnership(HandleKey Key, string IdentityId, bool IsPrimary);

/// <summary>One change of ownership: the handle leaves <see cref="FromIdentityId"/> (null: it had no owner) for <see cref="ToIdentityId"/>.</summary>
public sealed record HandleMove(HandleKey Key, string? FromIdentityId, string ToIdentityId, bool WasPrimary, bool IsPrimary);

/// <summary>A merge to apply: its moves are also its history record, which is what an unmerge reverses.</summary>
public sealed record MergePlan(string MergeId, string IntoIdentityId, string FromIdentityId, IReadOnlyList<HandleMove> Moves);

/// <summary>An unmerge to apply: the moves that restore the merge's prior ownership, and handles left alone (with why).</summary>
public sealed record UnmergePlan(string MergeId, IReadOnlyList<HandleMove> Moves, IReadOnlyList<SkippedHandle> Skipped);

public sealed record SkippedHandle(HandleKey Key, string Reason);

/// <summary>A request the rules refuse: answered 409 with <see cref="Exception.Message"/> as the reason.</summary>
public sealed class IdentityConflictException : Exception
{
    public IdentityConflictException(string message) : base(message)
    {
    }

    public IdentityConflictException()
    {
    }

    public IdentityConflictException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>
/// Link, merge and unmerge as pure operations over handle ownership: each takes the current owners and returns the
/// moves to apply (and so the history to record). A handle belongs to exactly one identity; events are never
/// rewritten, because identity timelines read the sender index of the handles an identity owns now.
/// </summary>
public static class OwnershipRules
{
    /// <summary>Linking <paramref name="key"/> to <paramref name="target"/>: a new handle, a move, or a conflict.</summary>
    public static HandleMove PlanLink(HandleKey key, HandleOwnership? current, string target, bool makePrimary)
    {
        if (current is not null && current.IdentityId == target)
        {
            throw new IdentityConflictException($"{key} already belongs to {target}");
        }

        return new HandleMove(key, current?.IdentityId, target, current?.IsPrimary ?? false, makePrimary);
    }

    /// <summary>
    /// Merging <paramref name="from"/> into <paramref name="into"/>: every handle <paramref name="from"/> owns moves, as a
    /// secondary handle (the target keeps its primary). The plan records each handle's previous primary flag.
    /// </summary>
    public static MergePlan PlanMerge(string mergeId, string into, string from, string? intoMergedInto, string? fromMergedInto,
        IReadOnlyList<HandleOwnership> ownedByFrom)
    {
        if (into == from)
        {
            throw new IdentityConflictException($"an identity cannot be merged into itself ({into})");
        }

        if (intoMergedInto is not null)
        {
            throw new IdentityConflictException($"{into} was merged into {intoMergedInto}; merge into that identity instead");
        }

        if (fromMergedInto is not null)
        {
            throw new IdentityConflictException($"{from} is already merged into {fromMergedInto}");
        }

        var moves = ownedByFrom
            .Where(h => h.IdentityId == from)
            .Select(h => new HandleMove(h.Key, from, into, h.IsPrimary, IsPrimary: false))
            .ToList();
        return new MergePlan(mergeId, into, from, moves);
    }

    /// <summary>
    /// Undoing a merge: each handle the merge moved goes back to where it was, with its old primary flag, if the merge
    /// target still owns it. A handle that has moved on since (linked elsewhere, merged further) is left where it is and
    /// reported: the newer decision wins.
    /// </summary>
    public static UnmergePlan PlanUnmerge(MergePlan merge, IReadOnlyDictionary<HandleKey, HandleOwnership> current)
    {
        var moves = new List<HandleMove>();
        var skipped = new List<SkippedHandle>();
        foreach (var move in merge.Moves)
        {
            if (!current.TryGetValue(move.Key, out var owner))
            {
                skipped.Add(new SkippedHandle(move.Key, "the handle no longer exists"));
            }
            else if (owner.IdentityId == move.FromIdentityId)
            {
                skipped.Add(new SkippedHandle(move.Key, "already back with " + move.FromIdentityId));
            }
            else if (owner.IdentityId != merge.IntoIdentityId)
            {
                skipped.Add(new SkippedHandle(move.Key, $"moved on to {owner.IdentityId} after the merge"));
            }
            else
            {
                moves.Add(new HandleMove(move.Key, merge.IntoIdentityId, move.FromIdentityId ?? merge.FromIdentityId, owner.IsPrimary, move.WasPrimary));
            }
        }

        return new UnmergePlan(merge.MergeId, moves, skipped);
    }

    /// <summary>Applies moves to an ownership map (what the store does row by row); used to reason about plans.</summary>
    public static Dictionary<HandleKey, HandleOwnership> Apply(IReadOnlyDictionary<HandleKey, HandleOwnership> ownership, IEnumerable<HandleMove> moves)
    {
        var result = ownership.ToDictionary();
        foreach (var move in moves)
        {
            result[move.Key] = new HandleOwnership(move.Key, move.ToIdentityId, move.IsPrimary);
        }

        return result;
    }
}
