using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Json;
using Omni.Services.Storage;

namespace Omni.Services.Analytics;

/// <summary>One step of a run as an analytics record reports it: its last audit line (status, attempts, duration).</summary>
public sealed record AnalyticsStep(string StepId, string ActionId, string Status, int Attempts, double DurationMs);

/// <summary>
/// One analytics record (<c>meta.analytics.log</c>): its name and tags, the run it describes (workflow, version, run,
/// event, instance), the run's outcome so far and the steps before it, and when the run started (<see cref="At"/>) and
/// the record was written.
/// </summary>
public sealed record AnalyticsRecord(
    string Instance, string Name, IReadOnlyList<string> Tags, string? WorkflowId, int? WorkflowVersion, string RunId, string StepId, string EventId,
    string Outcome, IReadOnlyList<AnalyticsStep> Steps, DateTimeOffset At, DateTimeOffset RecordedAt);

public sealed record AnalyticsPage(IReadOnlyList<AnalyticsRecord> Records, string? Continuation);

/// <summary>
/// The table <c>Analytics</c>: PK = instance, RK = <c>{newest-first run start}|{run id}|{step id}</c>, one row per
/// (run, step) added unless it exists, so a replayed run records nothing new. Columns <c>Name</c> and <c>WorkflowId</c>
/// are filtered on the server; <c>Record</c> holds the record's JSON. Rows expire after <c>Omni:Retention:Analytics</c>.
/// </summary>
public sealed class AnalyticsStore(OmniStorage storage)
{
    /// <summary>Most steps a record lists (the first ones of the run).</summary>
    public const int MaxSteps = 100;

    private volatile bool _ready;

    public TableClient Table { get; } = storage.Tables.GetTableClient(storage.Names.AnalyticsTable);

    /// <summary>Adds the record unless its (run, step) has one. False when it had (the stored record stays as it was).</summary>
    public async Task<bool> TryAddAsync(AnalyticsRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await EnsureCreatedAsync(cancellationToken);
        record = record with { Steps = [.. record.Steps.Take(MaxSteps)] };
        var row = new TableEntity(TableKeys.Escape(record.Instance), RowKey(record))
        {
            ["Name"] = record.Name,
            ["WorkflowId"] = record.WorkflowId,
            ["RunId"] = record.RunId,
            ["EventId"] = record.EventId,
            ["Outcome"] = record.Outcome,
            ["Record"] = JsonSerializer.Serialize(record, OmniJson.Options),
        };
        try
        {
            await Table.AddEntityAsync(row, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// The instance's records, newest run first, in [<paramref name="from"/>, <paramref name="to"/>) of the run's start,
    /// optionally of one name and one workflow (filtered by the service), after the continuation's position.
    /// Throws <see cref="ArgumentException"/> for a continuation token that is not one of ours.
    /// </summary>
    public async Task<AnalyticsPage> ListAsync(
        string instance, string? name, string? workflowId, DateTimeOffset? from, DateTimeOffset? to, int limit, string? continuation,
        CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var lower = to is { } end ? TableKeys.NewestFirst(end) + "}" : "";
        if (continuation is not null)
        {
            var cursor = Decode(continuation);
            lower = string.CompareOrdinal(cursor, lower) > 0 ? cursor : lower;
        }

        var upper = from is { } start ? TableKeys.NewestFirst(start) + "}" : "~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(instance)} and RowKey gt {lower} and RowKey lt {upper}");
        if (name is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Name eq {name}");
        }

        if (workflowId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"WorkflowId eq {workflowId}");
        }

        var records = new List<AnalyticsRecord>(limit);
        string? last = null;
        var more = false;
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, Math.Min(limit + 1, 1000), ["RowKey", "Record"], cancellationToken))
        {
            if (records.Count == limit)
            {
                more = true;
                break;
            }

            records.Add(JsonSerializer.Deserialize<AnalyticsRecord>(row.GetString("Record"), OmniJson.Options)!);
            last = row.RowKey;
        }

        return new AnalyticsPage(records, more ? Encode(last!) : null);
    }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (!_ready)
        {
            await Table.CreateIfNotExistsAsync(cancellationToken);
            _ready = true;
        }
    }

    private static string RowKey(AnalyticsRecord r) => $"{TableKeys.NewestFirst(r.At)}|{TableKeys.Part(r.RunId)}|{TableKeys.Part(r.StepId)}";

    private static string Encode(string rowKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(rowKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Decode(string token)
    {
        try
        {
            var s = token.Replace('-', '+').Replace('_', '/');
            var key = Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=')));
            return key.Length > 20 && key[..19].All(char.IsAsciiDigit) && key[19] == '|'
                ? key
                : throw new ArgumentException("the continuation token is not valid", nameof(token));
        }
        catch (FormatException e)
        {
            throw new ArgumentException("the continuation token is not valid", nameof(token), e);
        }
    }
}
