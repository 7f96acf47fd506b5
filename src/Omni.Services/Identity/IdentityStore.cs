using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Identity;
using Omni.Engine.Json;
using Omni.Services.Storage;

namespace Omni.Services.Identity;

/// <summary>
/// The registry's three tables.
/// <list type="bullet">
/// <item><c>IdentityHandles</c>: PK = channel, RK = handle (+ <c>|{instance}</c> for instance-scoped channels), both
/// escaped reversibly. The truth about ownership: a first sight inserts (first writer wins), a move replaces with the
/// row's ETag.</item>
/// <item><c>Identities</c>: PK = identity id; RK <c>profile</c> holds the profile, RK <c>h|{channel}|{handle}|{instance}</c>
/// one row per handle the identity owns, so an identity and its handles are one partition read. These index rows are
/// written before ownership moves in and deleted after it moves out, so they never miss a handle; a stale extra row
/// is filtered by checking <c>IdentityHandles</c> (<see cref="IdentityService"/>).</item>
/// <item><c>IdentityLinks</c>: PK = identity id, RK = record id (time ordered): the append-only history.</item>
/// </list>
/// </summary>
public sealed class IdentityStore(OmniStorage storage)
{
    private const string ProfileRow = "profile";
    private const string MemberPrefix = "h|";

    // ---- ownership ----

    public async Task<HandleRecord?> GetHandleAsync(HandleKey key, CancellationToken cancellationToken)
    {
        var row = await storage.IdentityHandles.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.Escape(key.Channel), HandleRowKey(key), cancellationToken: cancellationToken);
        return row.HasValue && row.Value is not null ? ToHandle(row.Value) : null;
    }

    /// <summary>Inserts a handle unless it exists. False when another writer got there first (read the winner).</summary>
    public async Task<bool> TryAddHandleAsync(HandleRecord handle, CancellationToken cancellationToken)
    {
        try
        {
            await storage.IdentityHandles.AddEntityAsync(ToEntity(handle), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces a handle row read earlier; a concurrent change in between is a conflict.</summary>
    public async Task ReplaceHandleAsync(HandleRecord handle, CancellationToken cancellationToken)
    {
        try
        {
            await storage.IdentityHandles.UpdateEntityAsync(ToEntity(handle), handle.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            throw new IdentityConflictException($"{handle.Key} changed while it was being moved; try again");
        }
    }

    /// <summary>
    /// Adds <paramref name="instance"/> to the handle's <see cref="HandleRecord.SeenOn"/> (a merge of that one column,
    /// guarded by the ETag; re-read and retried when the row changed meanwhile). False when the handle does not exist.
    /// </summary>
    public async Task<bool> AddSeenOnAsync(HandleKey key, string instance, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await GetHandleAsync(key, cancellationToken) is not { } handle)
            {
                return false;
            }

            if (handle.SeenOn.Contains(instance, StringComparer.Ordinal))
            {
                return true;
            }

            var row = new TableEntity(TableKeys.Escape(key.Channel), HandleRowKey(key)) { ["SeenOn"] = string.Join(',', [.. handle.SeenOn, instance]) };
            try
            {
                await storage.IdentityHandles.UpdateEntityAsync(row, handle.ETag, TableUpdateMode.Merge, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                // Moved or noted by someone else meanwhile: read it again.
            }
        }

        return false;
    }

    // ---- identities ----

    /// <summary>Creates an identity with its first handles' index rows in one transaction. False when it exists.</summary>
    public async Task<bool> TryCreateIdentityAsync(IdentityProfile profile, IEnumerable<HandleKey> handles, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, ToEntity(profile)) };
        actions.AddRange(handles.Select(h => new TableTransactionAction(TableTransactionActionType.UpsertReplace, MemberEntity(profile.IdentityId, h))));
        try
        {
            await storage.Identities.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The profile and the handles indexed under it (one partition read); null when there is no such identity.</summary>
    public async Task<(IdentityProfile Profile, IReadOnlyList<HandleKey> Handles)?> GetIdentityAsync(string identityId, CancellationToken cancellationToken)
    {
        IdentityProfile? profile = null;
        var handles = new List<HandleKey>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {identityId}");
        await foreach (var row in storage.Identities.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey == ProfileRow)
            {
                profile = ToProfile(row);
            }
            else if (ParseMember(row) is { } key)
            {
                handles.Add(key);
            }
        }

        return profile is null ? null : (profile, handles);
    }

    /// <summary>Every identity with its indexed handles: a scan of the table (search reads it).</summary>
    public async IAsyncEnumerable<(IdentityProfile Profile, IReadOnlyList<HandleKey> Handles)> ScanAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IdentityProfile? profile = null;
        string? partition = null;
        var handles = new List<HandleKey>();
        await foreach (var row in storage.Identities.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (row.PartitionKey != partition)
            {
                if (profile is not null)
                {
                    yield return (profile, handles);
                }

                partition = row.PartitionKey;
                profile = null;
                handles = [];
            }

            if (row.RowKey == ProfileRow)
            {
                profile = ToProfile(row);
            }
            else if (ParseMember(row) is { } key)
            {
                handles.Add(key);
            }
        }

        if (profile is not null)
        {
            yield return (profile, handles);
        }
    }

    /// <summary>Replaces the profile read earlier (ETag): a concurrent change in between is a conflict.</summary>
    public async Task ReplaceProfileAsync(IdentityProfile profile, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Identities.UpdateEntityAsync(ToEntity(profile), profile.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            throw new IdentityConflictException($"{profile.IdentityId} changed while it was being updated; try again");
        }
    }

    public async Task AddMembersAsync(string identityId, IReadOnlyCollection<HandleKey> handles, CancellationToken cancellationToken)
    {
        foreach (var chunk in handles.Chunk(100))
        {
            await storage.Identities.SubmitTransactionAsync(
                chunk.Select(h => new TableTransactionAction(TableTransactionActionType.UpsertReplace, MemberEntity(identityId, h))), cancellationToken);
        }
    }

    public async Task RemoveMembersAsync(string identityId, IEnumerable<HandleKey> handles, CancellationToken cancellationToken)
    {
        foreach (var handle in handles)
        {
            // A missing row is fine: deleting an index row is idempotent.
            await storage.Identities.DeleteEntityAsync(identityId, MemberRowKey(handle), ETag.All, cancellationToken);
        }
    }

    // ---- history ----

    /// <summary>Appends a record; false when a record with its id exists (used as a once-only guard by unmerge).</summary>
    public async Task<bool> TryAppendLinkAsync(LinkRecord record, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(record.IdentityId, record.LinkId)
        {
            ["Kind"] = record.Kind,
            ["FromIdentityId"] = record.FromIdentityId,
            ["MergeId"] = record.MergeId,
            ["Record"] = JsonSerializer.Serialize(record, OmniJson.Options),
            ["CreatedAt"] = record.CreatedAt,
        };
        try
        {
            await storage.IdentityLinks.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<LinkRecord?> GetLinkAsync(string identityId, string linkId, CancellationToken cancellationToken)
    {
        var row = await storage.IdentityLinks.GetEntityIfExistsAsync<TableEntity>(identityId, linkId, cancellationToken: cancellationToken);
        return row.HasValue && row.Value is not null ? JsonSerializer.Deserialize<LinkRecord>(row.Value.GetString("Record"), OmniJson.Options) : null;
    }

    /// <summary>An identity's history, oldest first.</summary>
    public async Task<IReadOnlyList<LinkRecord>> ListLinksAsync(string identityId, int limit, CancellationToken cancellationToken)
    {
        var records = new List<LinkRecord>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {identityId}");
        await foreach (var row in storage.IdentityLinks.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            records.Add(JsonSerializer.Deserialize<LinkRecord>(row.GetString("Record"), OmniJson.Options)!);
            if (records.Count == limit)
            {
                break;
            }
        }

        return records;
    }

    // ---- rows ----

    // Handles are at most 256 characters (HandleRules), which escaped can be three times that: keys hold them through
    // TableKeys.Part (hashed past 400 escaped characters, so a key with the channel and instance stays within 512), and
    // the rows keep the handle itself in columns.
    private const int MaxHandleKeyChars = 400;

    private static string HandleRowKey(HandleKey key) =>
        key.Instance is null
            ? TableKeys.Part(key.Handle, MaxHandleKeyChars)
            : TableKeys.Part(key.Handle, MaxHandleKeyChars) + TableKeys.Separator + TableKeys.Escape(key.Instance);

    private static string MemberRowKey(HandleKey key) =>
        string.Join(TableKeys.Separator, MemberPrefix[..^1], TableKeys.Escape(key.Channel), TableKeys.Part(key.Handle, MaxHandleKeyChars),
            TableKeys.Escape(key.Instance ?? ""));

    /// <summary>The handle an index row names: from its columns (the key may hold a hashed handle), else parsed from the key.</summary>
    private static HandleKey? ParseMember(TableEntity row)
    {
        if (!row.RowKey.StartsWith(MemberPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        if (row.GetString("Channel") is { } channel && row.GetString("Handle") is { } handle)
        {
            return new HandleKey(channel, handle, row.GetString("Instance"));
        }

        var parts = row.RowKey.Split(TableKeys.Separator);
        return parts.Length == 4
            ? new HandleKey(TableKeys.Unescape(parts[1]), TableKeys.Unescape(parts[2]), parts[3].Length == 0 ? null : TableKeys.Unescape(parts[3]))
            : null;
    }

    private static TableEntity MemberEntity(string identityId, HandleKey key) => new(identityId, MemberRowKey(key))
    {
        ["Channel"] = key.Channel,
        ["Handle"] = key.Handle,
        ["Instance"] = key.Instance,
    };

    private static TableEntity ToEntity(HandleRecord h) => new(TableKeys.Escape(h.Channel), HandleRowKey(h.Key))
    {
        ["Channel"] = h.Channel,
        ["Handle"] = h.Handle,
        ["Instance"] = h.Instance,
        ["IdentityId"] = h.IdentityId,
        ["IsPrimary"] = h.IsPrimary,
        ["PushName"] = h.PushName,
        ["AvatarUrl"] = h.AvatarUrl,
        ["LinkedBy"] = h.LinkedBy,
        ["LinkId"] = h.LinkId,
        ["EvidenceEventId"] = h.EvidenceEventId,
        ["SeenOn"] = h.SeenOn.Count == 0 ? null : string.Join(',', h.SeenOn),
        ["CreatedAt"] = h.CreatedAt,
        ["UpdatedAt"] = h.UpdatedAt,
    };

    private static HandleRecord ToHandle(TableEntity row) => new()
    {
        Channel = row.GetString("Channel"),
        Handle = row.GetString("Handle"),
        Instance = row.GetString("Instance"),
        IdentityId = row.GetString("IdentityId"),
        IsPrimary = row.GetBoolean("IsPrimary") ?? false,
        PushName = row.GetString("PushName"),
        AvatarUrl = row.GetString("AvatarUrl"),
        LinkedBy = row.GetString("LinkedBy") ?? "ingest",
        LinkId = row.GetString("LinkId"),
        EvidenceEventId = row.GetString("EvidenceEventId"),
        SeenOn = row.GetString("SeenOn") is { Length: > 0 } seen ? seen.Split(',') : [],
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? row.Timestamp ?? DateTimeOffset.MinValue,
        UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? row.Timestamp ?? DateTimeOffset.MinValue,
        ETag = row.ETag,
    };

    private static TableEntity ToEntity(IdentityProfile p) => new(p.IdentityId, ProfileRow)
    {
        ["DisplayName"] = p.DisplayName,
        ["DisplayNameFolded"] = NameFolding.Fold(p.DisplayName),
        ["DisplayNameSource"] = p.DisplayNameSource,
        ["EntityType"] = p.EntityType,
        ["PreferredChannel"] = p.PreferredChannel,
        ["PreferredChannelSource"] = p.PreferredChannel is null ? null : IdentityProfile.UserChoice,
        ["AvatarUrl"] = p.AvatarUrl,
        ["MergedInto"] = p.MergedInto,
        ["MergeId"] = p.MergeId,
        ["CreatedAt"] = p.CreatedAt,
        ["UpdatedAt"] = p.UpdatedAt,
    };

    private static IdentityProfile ToProfile(TableEntity row) => new()
    {
        IdentityId = row.PartitionKey,
        DisplayName = row.GetString("DisplayName"),
        DisplayNameSource = row.GetString("DisplayNameSource"),
        EntityType = row.GetString("EntityType") ?? EntityTypes.Person,
        // Before explicit preferences, every identity was created with its first handle's channel here: only a user's choice counts.
        PreferredChannel = row.GetString("PreferredChannelSource") == IdentityProfile.UserChoice ? row.GetString("PreferredChannel") : null,
        AvatarUrl = row.GetString("AvatarUrl"),
        MergedInto = row.GetString("MergedInto"),
        MergeId = row.GetString("MergeId"),
        CreatedAt = row.GetDateTimeOffset("CreatedAt") ?? row.Timestamp ?? DateTimeOffset.MinValue,
        UpdatedAt = row.GetDateTimeOffset("UpdatedAt") ?? row.Timestamp ?? DateTimeOffset.MinValue,
        ETag = row.ETag,
    };
}
