using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Omni.Services.Storage;

namespace Omni.Services.Conversations;

/// <summary>A conversation summary a workflow stored (<c>persist.summary</c>): the text, who stored it, when and for which event.</summary>
public sealed record StoredSummary(
    string Text, bool Truncated, DateTimeOffset At, string RunId, string? WorkflowId, string StepId, string EventId, DateTimeOffset EventAt);

/// <summary>What workflows wrote about a conversation: its latest stored summary and its tags (sorted).</summary>
public sealed record ConversationNotes(StoredSummary? Summary, IReadOnlyList<string> Tags)
{
    public static ConversationNotes Empty { get; } = new(null, []);
}

/// <summary>
/// Summaries and tags of conversations, written by <c>persist.summary</c> and <c>persist.tagging</c>, in the instance's
/// events partition next to the conversation rows (<see cref="ConversationStore"/>), kept as long as events are:
/// <list type="bullet">
/// <item><c>note|{conversation}|summary</c> — the latest summary. "Latest" is by the triggering event's time, then run
/// and step id, never by when a step ran, so a replayed or late run cannot replace the summary of a newer event, and a
/// re-execution of the same step finds its own summary and writes nothing (ETag-guarded replace).</item>
/// <item><c>note|{conversation}|tag|{tag}</c> — one row per tag, added unless it exists (tagging twice changes nothing).</item>
/// </list>
/// Listing an instance's notes is one range read (<see cref="ListAsync"/>), as listing its conversations is.
/// </summary>
public sealed class ConversationNotesStore(OmniStorage storage, TimeProvider time)
{
    public const string RowPrefix = "note|";

    /// <summary>Characters of a summary kept; longer text is cut (and marked truncated).</summary>
    public const int MaxSummaryChars = 4_000;

    /// <summary>Most note rows one listing reads per instance (summaries and tags of the most conversations).</summary>
    public const int MaxListedRows = 50_000;

    private const string SummaryRow = "summary";
    private const string TagRow = "tag|";
    private const int MaxConcurrencyRetries = 8;

    /// <summary>
    /// Stores <paramref name="text"/> as the conversation's summary unless a summary from a newer event (or a later run or
    /// step of the same event) is there. Returns whether this call's summary is the one kept, and the kept one.
    /// </summary>
    public async Task<(bool Stored, StoredSummary Kept)> SetSummaryAsync(
        string instance, string conversationId, string text, string runId, string? workflowId, string stepId, string eventId, DateTimeOffset eventAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var truncated = text.Length > MaxSummaryChars;
        var mine = new StoredSummary(
            truncated ? Omni.Engine.Events.EventLimits.Cut(text, MaxSummaryChars) : text, truncated, time.GetUtcNow(), runId, workflowId, stepId, eventId, eventAt);
        var (partition, rowKey) = (TableKeys.Escape(instance), Prefix(conversationId) + SummaryRow);
        for (var attempt = 1; ; attempt++)
        {
            var found = await storage.Events.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken);
            try
            {
                if (!found.HasValue || found.Value is null)
                {
                    await storage.Events.AddEntityAsync(ToEntity(partition, rowKey, conversationId, mine), cancellationToken);
                    return (true, mine);
                }

                var current = ReadSummary(found.Value);
                var order = string.CompareOrdinal(found.Value.GetString("Order") ?? "", Order(mine));
                if (order >= 0)
                {
                    // Ours already (a replay: keep the first write, its time too) or a newer event's: nothing to write.
                    return (order == 0, current);
                }

                await storage.Events.UpdateEntityAsync(ToEntity(partition, rowKey, conversationId, mine), found.Value.ETag, TableUpdateMode.Replace, cancellationToken);
                return (true, mine);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < MaxConcurrencyRetries)
            {
                // Someone else wrote it in between: read again and compare with theirs.
            }
        }
    }

    /// <summary>Adds <paramref name="tags"/> (normalized) to the conversation; returns how many were new.</summary>
    public async Task<int> AddTagsAsync(string instance, string conversationId, IReadOnlyList<string> tags, string runId, string stepId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var added = 0;
        foreach (var tag in tags)
        {
            var row = new TableEntity(TableKeys.Escape(instance), Prefix(conversationId) + TagRow + tag)
            {
                ["ConversationId"] = conversationId,
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

    /// <summary>One conversation's summary and tags (one range read).</summary>
    public async Task<ConversationNotes> GetAsync(string instance, string conversationId, CancellationToken cancellationToken) =>
        (await ReadAsync(instance, Prefix(conversationId), cancellationToken)).GetValueOrDefault(conversationId) ?? ConversationNotes.Empty;

    /// <summary>Every conversation's summary and tags on the instance, by conversation id (at most <see cref="MaxListedRows"/> rows read).</summary>
    public Task<Dictionary<string, ConversationNotes>> ListAsync(string instance, CancellationToken cancellationToken) =>
        ReadAsync(instance, RowPrefix, cancellationToken);

    private async Task<Dictionary<string, ConversationNotes>> ReadAsync(string instance, string prefix, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {TableKeys.Escape(instance)} and RowKey ge {prefix} and RowKey lt {TableKeys.PrefixEnd(prefix)}");
        var summaries = new Dictionary<string, StoredSummary>(StringComparer.Ordinal);
        var tags = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var read = 0;
        await foreach (var row in storage.Events.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            if (row.GetString("ConversationId") is not { } conversation)
            {
                continue;
            }

            if (row.GetString("Tag") is { } tag)
            {
                (tags.TryGetValue(conversation, out var set) ? set : tags[conversation] = new SortedSet<string>(StringComparer.Ordinal)).Add(tag);
            }
            else if (row.RowKey.EndsWith("|" + SummaryRow, StringComparison.Ordinal))
            {
                summaries[conversation] = ReadSummary(row);
            }

            if (++read == MaxListedRows)
            {
                break;
            }
        }

        return summaries.Keys.Union(tags.Keys).ToDictionary(
            c => c, c => new ConversationNotes(summaries.GetValueOrDefault(c), tags.TryGetValue(c, out var set) ? [.. set] : []), StringComparer.Ordinal);
    }

    private static string Prefix(string conversationId) => RowPrefix + TableKeys.Part(conversationId) + "|";

    /// <summary>Which of two summaries is newer: the event's time, then run and step id.</summary>
    private static string Order(StoredSummary s) =>
        s.EventAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + s.RunId + "|" + s.StepId;

    private static TableEntity ToEntity(string partition, string rowKey, string conversationId, StoredSummary s) => new(partition, rowKey)
    {
        ["ConversationId"] = conversationId,
        ["Text"] = s.Text,
        ["Truncated"] = s.Truncated,
        ["At"] = s.At,
        ["RunId"] = s.RunId,
        ["WorkflowId"] = s.WorkflowId,
        ["StepId"] = s.StepId,
        ["EventId"] = s.EventId,
        ["EventAt"] = s.EventAt,
        ["Order"] = Order(s), // compared as written: a time column may come back less precise
    };

    private static StoredSummary ReadSummary(TableEntity row) => new(
        row.GetString("Text") ?? "", row.GetBoolean("Truncated") ?? false, row.GetDateTimeOffset("At") ?? default, row.GetString("RunId") ?? "",
        row.GetString("WorkflowId"), row.GetString("StepId") ?? "", row.GetString("EventId") ?? "", row.GetDateTimeOffset("EventAt") ?? default);
}
