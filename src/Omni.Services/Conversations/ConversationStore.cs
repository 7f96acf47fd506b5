using System.Text.Json;
using Azure.Data.Tables;
using Omni.Engine.Conversations;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Services.Events;
using Omni.Services.Storage;

namespace Omni.Services.Conversations;

/// <summary>
/// One summary row per conversation (<c>conv|{conversation}</c> in the instance's events partition), folded forward by
/// <see cref="ConversationSummary.Apply"/> in the transaction that stores each new event. Listing an instance's
/// conversations is one range read of those rows, whatever the number of events.
/// </summary>
public sealed class ConversationStore(OmniStorage storage, AggregateRows rows) : IEventAggregate
{
    public const string RowPrefix = "conv|";

    /// <summary>An instance with more conversations than this lists the most recent ones the read reached.</summary>
    public const int MaxListed = 20_000;

    public ValueTask<IReadOnlyList<AggregateWrite>> PrepareAsync(IReadOnlyList<OmniEvent> events, string partition, CancellationToken cancellationToken) =>
        AggregateRows.WriteEachAsync(events,
            e => ConversationSummary.Counts(e) ? RowPrefix + TableKeys.Part(e.ConversationId!) : null,
            rowKey => rows.AcquireAsync(partition, rowKey, cancellationToken),
            (current, ofRow) =>
            {
                var next = ofRow.Aggregate(Read(current), ConversationSummary.Apply)!;
                return new TableEntity
                {
                    ["ConversationId"] = next.ConversationId,
                    ["LastEventAt"] = next.LastEventAt,
                    ["Summary"] = JsonSerializer.Serialize(next, OmniJson.Options),
                };
            });

    /// <summary>The instance's conversations, most recently active first.</summary>
    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(string instance, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {TableKeys.Escape(instance)} and RowKey gt {RowPrefix} and RowKey lt {TableKeys.PrefixEnd(RowPrefix)}");
        var list = new List<ConversationSummary>();
        await foreach (var row in storage.Events.QueryAsync<TableEntity>(filter, 1000, ["Summary"], cancellationToken))
        {
            if (Read(row) is { } summary)
            {
                list.Add(summary);
            }

            if (list.Count == MaxListed)
            {
                break;
            }
        }

        return [.. list.OrderByDescending(s => s.LastEventAt).ThenBy(s => s.ConversationId, StringComparer.Ordinal)];
    }

    public async Task<ConversationSummary?> GetAsync(string instance, string conversationId, CancellationToken cancellationToken)
    {
        var row = await storage.Events.GetEntityIfExistsAsync<TableEntity>(
            TableKeys.Escape(instance), RowPrefix + TableKeys.Part(conversationId), ["Summary"], cancellationToken);
        return row.HasValue ? Read(row.Value) : null;
    }

    private static ConversationSummary? Read(TableEntity? row) =>
        row?.GetString("Summary") is { } json ? JsonSerializer.Deserialize<ConversationSummary>(json, OmniJson.Options) : null;
}
