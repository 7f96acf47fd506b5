using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Omni.Engine.Events;

namespace Omni.Services.Storage;

/// <summary>
/// Table Storage's limits (docs/decisions.md, "Size limits by design"), the check a write passes before it is sent
/// (Azurite enforces some of them differently, or not at all), and which storage failures are deterministic: the same
/// input fails the same way on every delivery, so retrying cannot help and the input is quarantined at once instead.
/// </summary>
public static class TableLimits
{
    /// <summary>A PartitionKey or RowKey: 1 KiB, i.e. 512 UTF-16 characters.</summary>
    public const int MaxKeyChars = 512;

    /// <summary>A string property: 64 KiB, i.e. 32K UTF-16 characters.</summary>
    public const int MaxStringChars = 32 * 1024;

    /// <summary>An entity: 1 MiB in all (keys, names and values, as the service counts them: <see cref="EntityBytes"/>).</summary>
    public const long MaxEntityBytes = 1024 * 1024;

    /// <summary>A transaction (entity group): at most 100 entities.</summary>
    public const int MaxTransactionEntities = 100;

    /// <summary>A transaction's request body: 4 MiB.</summary>
    public const long MaxTransactionBytes = 4L * 1024 * 1024;

    /// <summary>Per entity of a transaction: its part of the multipart request (headers, URL) beyond the entity itself.</summary>
    private const long TransactionOverheadBytes = 1024;

    /// <summary>
    /// The error codes of Table and Blob Storage that mean "this request can never succeed as it is": a value, key,
    /// entity or body too large, or an input the service refuses. Deterministic for the same input.
    /// </summary>
    public static IReadOnlySet<string> PermanentErrorCodes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "PropertyValueTooLarge",
        "EntityTooLarge",
        "RequestBodyTooLarge",
        "KeyValueTooLarge",
        "PropertyNameTooLong",
        "TooManyProperties",
        "InvalidInput",
        "OutOfRangeInput",
        "InvalidValueType",
        "InvalidDuplicateRow",
        "PropertiesNeedValue",
        "InvalidBlobOrBlock",
        "InvalidBlockList",
    };

    /// <summary>
    /// True when <paramref name="exception"/> fails the same way for the same input: a <see cref="StorageLimitException"/>
    /// (our own check) or a storage answer with one of <see cref="PermanentErrorCodes"/> (or 413). Throttling, timeouts,
    /// conflicts, a missing table and other failures are not: they are retried.
    /// </summary>
    public static bool IsPermanent(Exception exception) => exception switch
    {
        StorageLimitException => true,
        RequestFailedException r => r.Status == 413 || (r.ErrorCode is { } code && PermanentErrorCodes.Contains(code)),
        _ => false,
    };

    /// <summary>The size of an entity as the service counts it: 4 + keys (2 bytes a character) + per property 8 + name + value.</summary>
    public static long EntityBytes(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        long bytes = 4 + (2L * ((entity.PartitionKey?.Length ?? 0) + (entity.RowKey?.Length ?? 0)));
        foreach (var (name, value) in entity)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")
            {
                continue;
            }

            bytes += 8 + (2L * name.Length) + value switch
            {
                null => 0,
                string s => 4 + (2L * s.Length),
                byte[] b => 4 + b.Length,
                BinaryData d => 4 + d.ToMemory().Length,
                bool => 1,
                Guid => 16,
                _ => 8,
            };
        }

        return bytes;
    }

    /// <summary>Throws <see cref="StorageLimitException"/>, naming the row and what is too large, when the entity cannot be stored.</summary>
    public static void Check(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (Problem(entity) is { } problem)
        {
            throw new StorageLimitException(problem);
        }
    }

    /// <summary>Throws <see cref="StorageLimitException"/> when any entity of the transaction, or the transaction, exceeds a limit.</summary>
    public static void CheckTransaction(IReadOnlyCollection<TableTransactionAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count > MaxTransactionEntities)
        {
            throw new StorageLimitException($"a transaction of {actions.Count} entities exceeds the {MaxTransactionEntities}-entity limit");
        }

        long bytes = 0;
        foreach (var entity in actions.Select(a => a.Entity).OfType<TableEntity>())
        {
            Check(entity);
            bytes += EntityBytes(entity) + TransactionOverheadBytes;
        }

        if (bytes > MaxTransactionBytes)
        {
            throw new StorageLimitException($"a transaction of {actions.Count} entities is ~{EventLimits.Count(bytes)} bytes, over the 4 MiB limit");
        }
    }

    /// <summary>What keeps the entity from being stored (a key, a property, the whole), or null when it fits.</summary>
    public static string? Problem(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var row = Abbreviate(entity.RowKey ?? "");
        foreach (var (key, value) in new[] { ("PartitionKey", entity.PartitionKey), ("RowKey", entity.RowKey) })
        {
            if (value is { Length: > MaxKeyChars })
            {
                return $"row {row}: its {key} is {EventLimits.Count(value.Length)} characters, over the {MaxKeyChars}-character (1 KiB) limit";
            }
        }

        foreach (var (name, value) in entity)
        {
            if (value is string { Length: > MaxStringChars } s)
            {
                return $"row {row}: property {name} is {EventLimits.Count(s.Length)} characters, over the {EventLimits.Count(MaxStringChars)}-character (64 KiB) limit";
            }
        }

        var bytes = EntityBytes(entity);
        return bytes > MaxEntityBytes ? $"row {row}: the entity is {EventLimits.Count(bytes)} bytes, over the 1 MiB limit" : null;
    }

    /// <summary>What a reason says about an entity storage refused: its <see cref="Problem"/>, else its largest property and key sizes.</summary>
    public static string Describe(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (Problem(entity) is { } problem)
        {
            return problem;
        }

        var largest = entity.Where(p => p.Value is string && p.Key is not ("PartitionKey" or "RowKey")).MaxBy(p => ((string)p.Value).Length);
        return $"row {Abbreviate(entity.RowKey ?? "")}: keys of {entity.PartitionKey?.Length ?? 0} and {entity.RowKey?.Length ?? 0} characters" +
               (largest.Key is null ? "" : $", largest property {largest.Key} of {EventLimits.Count(((string)largest.Value).Length)} characters") +
               $", ~{EventLimits.Count(EntityBytes(entity))} bytes";
    }

    /// <summary>A key as a reason shows it: at most 80 characters.</summary>
    public static string Abbreviate(string key) =>
        key.Length <= 80 ? key : string.Concat(EventLimits.Cut(key, 77), "…(", key.Length.ToString(CultureInfo.InvariantCulture), " chars)");
}

/// <summary>A write that Table Storage would refuse, found before it was sent (or refused for its size): permanent for the same input.</summary>
public sealed class StorageLimitException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
