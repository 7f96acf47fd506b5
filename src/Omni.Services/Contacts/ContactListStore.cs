using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Identity;
using Omni.Services.Storage;

namespace Omni.Services.Contacts;

/// <summary>One entry of a stored contact list: the canonical handle or identity id, its kind and when it was added.</summary>
public sealed record ContactListEntry(string Entry, string Kind, DateTimeOffset AddedAt)
{
    public const string HandleKind = "handle";
    public const string IdentityKind = "identity";
}

/// <summary>
/// Stored contact lists per instance (<c>blocked</c> for <c>guard.blocklist</c>, a label such as <c>vip</c> for
/// <c>guard.contact_override.vip</c>), in the table <c>ContactLists</c>: PK = <c>{instance}|{list}</c>, RK = the entry in
/// its canonical spelling (<see cref="ContactEntries.Canonical"/>), escaped with <see cref="TableKeys"/>. Membership is a
/// point read per candidate key, so a guard's cost does not grow with the list. Entries are canonicalized by the caller
/// (the API knows the instance's channel), so the same person added twice in two spellings is one row.
/// </summary>
public sealed partial class ContactListStore(OmniStorage storage, TimeProvider time)
{
    /// <summary>Lists are meant for people (hundreds, a few thousand); reading one stops here.</summary>
    public const int MaxEntriesRead = 10_000;

    private readonly TableClient _table = storage.Tables.GetTableClient(storage.Names.ContactListsTable);
    private volatile bool _tableReady;

    /// <summary>List names: 1–64 of <c>a-z 0-9 _ -</c>, the same alphabet as action labels (<c>guard.contact_override.&lt;label&gt;</c>).</summary>
    public static bool IsValidListName(string? name) => name is not null && ListName().IsMatch(name);

    /// <summary>Adds <paramref name="canonical"/> to the list; <c>Added</c> is false when it was there already (then nothing changes).</summary>
    public async Task<(ContactListEntry Entry, bool Added)> AddAsync(string instance, string list, string canonical, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = new TableEntity(Partition(instance, list), TableKeys.Part(canonical, TableLimits.MaxKeyChars))
        {
            ["Entry"] = canonical,
            ["Kind"] = KindOf(canonical),
            ["AddedAt"] = time.GetUtcNow(),
        };
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken);
            return (ToEntry(entity), true);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken);
            return (existing.HasValue ? ToEntry(existing.Value!) : ToEntry(entity), false);
        }
    }

    /// <summary>Removes the entry; false when it was not on the list.</summary>
    public async Task<bool> RemoveAsync(string instance, string list, string canonical, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        try
        {
            // The SDK answers a missing entity with its 404 response rather than an exception.
            using var response = await _table.DeleteEntityAsync(Partition(instance, list), TableKeys.Part(canonical, TableLimits.MaxKeyChars), ETag.All, cancellationToken);
            return response.Status != 404;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }

    /// <summary>The list's entries in ordinal order (at most <see cref="MaxEntriesRead"/>); empty for a list nobody has written.</summary>
    public async Task<IReadOnlyList<ContactListEntry>> ListAsync(string instance, string list, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var partition = Partition(instance, list);
        var entries = new List<ContactListEntry>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            entries.Add(ToEntry(row));
            if (entries.Count >= MaxEntriesRead)
            {
                break;
            }
        }

        return [.. entries.OrderBy(e => e.Entry, StringComparer.Ordinal)];
    }

    /// <summary>The first of <paramref name="keys"/> (canonical) that is on the list, or null: one point read per key.</summary>
    public async Task<string?> FindAnyAsync(string instance, string list, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return null;
        }

        await EnsureTableAsync(cancellationToken);
        var partition = Partition(instance, list);
        foreach (var key in keys)
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(partition, TableKeys.Part(key, TableLimits.MaxKeyChars), ["Entry"], cancellationToken);
            if (found.HasValue)
            {
                return key;
            }
        }

        return null;
    }

    private static string Partition(string instance, string list) => $"{TableKeys.Escape(instance)}{TableKeys.Separator}{TableKeys.Escape(list)}";

    private static string KindOf(string canonical) => ContactEntries.IsIdentity(canonical) ? ContactListEntry.IdentityKind : ContactListEntry.HandleKind;

    private static ContactListEntry ToEntry(TableEntity row)
    {
        var entry = row.GetString("Entry") ?? TableKeys.Unescape(row.RowKey);
        return new ContactListEntry(entry, row.GetString("Kind") ?? KindOf(entry), row.GetDateTimeOffset("AddedAt") ?? row.Timestamp ?? default);
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _tableReady = true;
        }
    }

    [GeneratedRegex("^[a-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ListName();
}
