using Azure;
using Azure.Data.Tables;
using Omni.Services.Storage;

namespace Omni.Services.Identity;

/// <summary>
/// Tags <c>persist.tagging</c> set on identities, kept per instance (the instance whose run tagged it): row
/// <c>itag|{tag}|{identity id}</c> in the instance's events partition, added unless it exists. Listing the identities of a
/// tag is one range read per readable instance, so a key scoped to some instances finds only what their workflows tagged.
/// A tag stays on the identity id it was set on (a later merge does not move it).
/// </summary>
public sealed class IdentityTags(OmniStorage storage, TimeProvider time)
{
    public const string RowPrefix = "itag|";

    /// <summary>Most identity ids one listing reads per instance.</summary>
    public const int MaxListed = 5_000;

    /// <summary>Adds <paramref name="tags"/> (normalized) to the identity on the instance; returns how many were new.</summary>
    public async Task<int> AddAsync(string instance, string identityId, IReadOnlyList<string> tags, string runId, string stepId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var added = 0;
        foreach (var tag in tags)
        {
            var row = new TableEntity(TableKeys.Escape(instance), $"{RowPrefix}{tag}|{TableKeys.Part(identityId)}")
            {
                ["IdentityId"] = identityId,
                ["Tag"] = tag,
                ["TaggedAt"] = time.GetUtcNow(),
                ["RunId"] = runId,
                ["StepId"] = stepId,
            };
            try
            {
                await storage.Events.AddEntityAsync(row, cancellationToken);
                added++;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Tagged before: nothing changes.
            }
        }

        return added;
    }

    /// <summary>The identity ids tagged <paramref name="tag"/> on any of <paramref name="instances"/>, sorted, without repeats.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(IReadOnlyList<string> instances, string tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var prefix = $"{RowPrefix}{tag}|";
        var lists = await Task.WhenAll(instances.Select(async instance =>
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {TableKeys.Escape(instance)} and RowKey gt {prefix} and RowKey lt {TableKeys.PrefixEnd(prefix)}");
            var ids = new List<string>();
            await foreach (var row in storage.Events.QueryAsync<TableEntity>(filter, 1000, ["IdentityId"], cancellationToken))
            {
                if (row.GetString("IdentityId") is { } id)
                {
                    ids.Add(id);
                }

                if (ids.Count == MaxListed)
                {
                    break;
                }
            }

            return ids;
        }));
        return [.. lists.SelectMany(l => l).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
