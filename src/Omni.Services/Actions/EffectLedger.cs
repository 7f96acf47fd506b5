using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Omni.Services.Storage;

namespace Omni.Services.Actions;

/// <summary>Where a side effect stands in the ledger.</summary>
public static class EffectStatus
{
    /// <summary>Recorded, about to be (or being) dispatched.</summary>
    public const string Pending = "pending";

    /// <summary>Dispatched; the provider's answer is recorded.</summary>
    public const string Sent = "sent";

    /// <summary>The provider refused it for good (4xx); recorded so a duplicate fails the same way without calling again.</summary>
    public const string Failed = "failed";

    /// <summary>A dispatch may or may not have happened (crash or timeout after recording); never resent.</summary>
    public const string Unknown = "unknown";
}

/// <summary>One row of the ledger.</summary>
public sealed record EffectRecord(
    string RunId, string StepId, string Status, string ActionId, string? Owner, DateTimeOffset ClaimedAt, DateTimeOffset? CompletedAt,
    ActionOutcome? Outcome, string? Error, ETag ETag);

/// <summary>
/// The effect-once ledger: table <c>Effects</c>, one row per side effect, PartitionKey = run id, RowKey = step id
/// (both escaped with <see cref="TableKeys"/>). A row is added (<c>pending</c>) BEFORE the effect is dispatched — the
/// add is the claim, first writer wins (409 for everyone else) — and replaced with <c>sent</c> + the provider's answer
/// after it, with the claim's ETag. Two storage operations per side effect.
/// </summary>
public sealed class EffectLedger(OmniStorage storage, TimeProvider time)
{
    /// <summary>Outputs longer than this (characters of JSON) are not stored whole; a table string holds 32K characters.</summary>
    public const int MaxStoredOutputChars = 30_000;

    private TableClient Table => storage.Effects;

    /// <summary>Records the effect as <c>pending</c> for <paramref name="owner"/>. Returns (true, the new row) when this call claimed it, (false, the existing row) otherwise.</summary>
    public async Task<(bool Claimed, EffectRecord Record)> TryClaimAsync(ActionInvocation invocation, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var now = time.GetUtcNow();
        var entity = new TableEntity(TableKeys.Escape(invocation.RunId), TableKeys.Escape(invocation.StepId))
        {
            ["Status"] = EffectStatus.Pending,
            ["ActionId"] = invocation.ActionId,
            ["EventId"] = invocation.Event.EventId,
            ["Owner"] = owner,
            ["ClaimedAt"] = now,
        };
        try
        {
            var response = await Table.AddEntityAsync(entity, cancellationToken);
            return (true, new EffectRecord(invocation.RunId, invocation.StepId, EffectStatus.Pending, invocation.ActionId, owner, now, null, null, null,
                response.Headers.ETag ?? ETag.All));
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await GetAsync(invocation.RunId, invocation.StepId, cancellationToken);
            // Released (deleted) between our add and our read: claim again.
            return existing is null ? await TryClaimAsync(invocation, owner, cancellationToken) : (false, existing);
        }
    }

    public async Task<EffectRecord?> GetAsync(string runId, string stepId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(runId), TableKeys.Escape(stepId), cancellationToken: cancellationToken);
        return row.HasValue && row.Value is not null ? FromEntity(row.Value) : null;
    }

    /// <summary>Records the provider's answer. Fails (412) if someone else changed the row since the claim.</summary>
    public Task<EffectRecord> MarkSentAsync(EffectRecord claim, ActionOutcome outcome, CancellationToken cancellationToken) =>
        ReplaceAsync(claim, EffectStatus.Sent, outcome, null, cancellationToken);

    public Task<EffectRecord> MarkFailedAsync(EffectRecord claim, string error, CancellationToken cancellationToken) =>
        ReplaceAsync(claim, EffectStatus.Failed, null, error, cancellationToken);

    public Task<EffectRecord> MarkUnknownAsync(EffectRecord claim, string reason, CancellationToken cancellationToken) =>
        ReplaceAsync(claim, EffectStatus.Unknown, null, reason, cancellationToken);

    /// <summary>Deletes a claim whose dispatch certainly did not happen (the provider answered with an error), so a retry may send.</summary>
    public async Task ReleaseAsync(EffectRecord claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        try
        {
            await Table.DeleteEntityAsync(TableKeys.Escape(claim.RunId), TableKeys.Escape(claim.StepId), claim.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Gone or changed by someone else: nothing of ours to release.
        }
    }

    private async Task<EffectRecord> ReplaceAsync(EffectRecord claim, string status, ActionOutcome? outcome, string? error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var now = time.GetUtcNow();
        var entity = new TableEntity(TableKeys.Escape(claim.RunId), TableKeys.Escape(claim.StepId))
        {
            ["Status"] = status,
            ["ActionId"] = claim.ActionId,
            ["Owner"] = claim.Owner,
            ["ClaimedAt"] = claim.ClaimedAt,
            ["CompletedAt"] = now,
        };
        if (error is not null)
        {
            entity["Error"] = error.Length > 4000 ? error[..4000] : error;
        }

        if (outcome is not null)
        {
            var output = outcome.Output.GetRawText();
            entity["Output"] = output.Length <= MaxStoredOutputChars ? output : """{"output_too_large":true}""";
            entity["Provider"] = outcome.Provider;
            entity["Attempts"] = outcome.Attempts;
            entity["Summary"] = outcome.Summary.Length > 4000 ? outcome.Summary[..4000] : outcome.Summary;
        }

        var response = await Table.UpdateEntityAsync(entity, claim.ETag, TableUpdateMode.Replace, cancellationToken);
        return claim with
        {
            Status = status, CompletedAt = now, Outcome = outcome, Error = error, ETag = response.Headers.ETag ?? ETag.All,
        };
    }

    private static EffectRecord FromEntity(TableEntity entity)
    {
        ActionOutcome? outcome = null;
        if (entity.GetString("Output") is { } output)
        {
            outcome = new ActionOutcome
            {
                Output = JsonDocument.Parse(output).RootElement.Clone(),
                Provider = entity.GetString("Provider"),
                Attempts = entity.GetInt32("Attempts") ?? 1,
                Summary = entity.GetString("Summary") ?? "",
            };
        }

        return new EffectRecord(
            TableKeys.Unescape(entity.PartitionKey), TableKeys.Unescape(entity.RowKey), entity.GetString("Status") ?? EffectStatus.Pending,
            entity.GetString("ActionId") ?? "", entity.GetString("Owner"), entity.GetDateTimeOffset("ClaimedAt") ?? entity.Timestamp ?? DateTimeOffset.MinValue,
            entity.GetDateTimeOffset("CompletedAt"), outcome, entity.GetString("Error"), entity.ETag);
    }
}
