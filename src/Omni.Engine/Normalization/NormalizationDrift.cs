using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Json;

namespace Omni.Engine.Normalization;

/// <summary>One field that differs between a stored event and what the current normalizer makes of the same payload.</summary>
/// <param name="Field">The event's snake_case field, or a path into <c>provider_metadata</c> (<c>provider_metadata.key.sender_pn</c>).</param>
/// <param name="Change"><c>added</c> (only the current normalizer sets it), <c>removed</c> (only the stored event has it),
/// <c>changed</c> (both, different values) or <c>renamed</c> (removed here and added under another name with the same value).</param>
/// <param name="RenamedFrom">For <c>renamed</c>: the field's old name.</param>
public sealed record FieldChange(string Field, string Change, string? RenamedFrom = null)
{
    public const string Added = "added";
    public const string Removed = "removed";
    public const string Changed = "changed";
    public const string Renamed = "renamed";
}

/// <summary>
/// The drift check's comparison, pure: a stored event against the event the current normalizer makes from the same
/// archived payload, field by field. Top-level fields compare by value; <c>provider_metadata</c> is walked object by
/// object, so a provider renaming one key (Evolution's <c>senderPn</c> → <c>remoteJidAlt</c>) shows as that key, and
/// arrays compare whole. What ingest adds after normalizing (<c>identity_id</c>, <c>normalizer_version</c>) and a bounded
/// view's markers are not compared.
/// </summary>
public static class NormalizationDrift
{
    private static readonly HashSet<string> NotCompared = new(StringComparer.Ordinal)
    {
        "identity_id", "normalizer_version", "text_truncated", "text_length", "truncated_fields",
    };

    public static IReadOnlyList<FieldChange> Compare(OmniEvent stored, OmniEvent current)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(current);
        var before = Flatten(stored);
        var after = Flatten(current);
        var removed = before.Keys.Where(k => !after.ContainsKey(k)).ToList();
        var added = after.Keys.Where(k => !before.ContainsKey(k)).ToList();
        var changes = new List<FieldChange>();
        foreach (var field in before.Keys.Where(after.ContainsKey).Where(k => before[k] != after[k]))
        {
            changes.Add(new FieldChange(field, FieldChange.Changed));
        }

        foreach (var field in added)
        {
            // A field that appeared with exactly the value another one lost is that field, renamed.
            var from = removed.FirstOrDefault(r => before[r] == after[field]);
            if (from is not null)
            {
                removed.Remove(from);
                changes.Add(new FieldChange(field, FieldChange.Renamed, from));
            }
            else
            {
                changes.Add(new FieldChange(field, FieldChange.Added));
            }
        }

        changes.AddRange(removed.Select(field => new FieldChange(field, FieldChange.Removed)));
        return [.. changes.OrderBy(c => c.Field, StringComparer.Ordinal)];
    }

    /// <summary>The event as <c>field → raw JSON value</c>, with <c>provider_metadata</c>'s objects walked into dotted paths.</summary>
    private static Dictionary<string, string> Flatten(OmniEvent evt)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var json = JsonSerializer.SerializeToElement(evt, OmniJson.Options);
        foreach (var property in json.EnumerateObject())
        {
            if (!NotCompared.Contains(property.Name))
            {
                Add(fields, property.Name, property.Value);
            }
        }

        return fields;
    }

    private static void Add(Dictionary<string, string> fields, string path, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind == JsonValueKind.Object && (path == "provider_metadata" || path.StartsWith("provider_metadata.", StringComparison.Ordinal)))
        {
            foreach (var property in value.EnumerateObject())
            {
                Add(fields, $"{path}.{property.Name}", property.Value);
            }

            return;
        }

        fields[path] = value.GetRawText();
    }
}

/// <summary>
/// Adds up the comparisons of a drift check per provider and event shape: events compared and differing, and per field
/// and change the count and the first three event ids. Pure; the service feeds it as it reads the archive.
/// </summary>
public sealed class DriftTally
{
    public const int MaxSamples = 3;

    private readonly SortedDictionary<(string Provider, string Shape), ShapeTally> _shapes = new(Comparer<(string Provider, string Shape)>.Create(
        (a, b) => string.CompareOrdinal(a.Provider, b.Provider) is var byProvider and not 0 ? byProvider : string.CompareOrdinal(a.Shape, b.Shape)));

    public void Add(string provider, string? shape, string eventId, IReadOnlyList<FieldChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var tally = For(provider, shape);
        tally.Compared++;
        if (changes.Count > 0)
        {
            tally.Differing++;
        }

        foreach (var change in changes)
        {
            var key = (change.Field, change.Change, change.RenamedFrom);
            if (!tally.Fields.TryGetValue(key, out var field))
            {
                tally.Fields[key] = field = new FieldTally();
            }

            field.Count++;
            Sample(field.Samples, eventId);
        }
    }

    /// <summary>An event the current normalizer makes from an archived payload that is not stored (the stored one has another id, or none was stored).</summary>
    public void AddNotStored(string provider, string? shape, string eventId)
    {
        var tally = For(provider, shape);
        tally.NotStored++;
        Sample(tally.NotStoredSamples, eventId);
    }

    public IReadOnlyList<ShapeDrift> Shapes =>
    [
        .. _shapes.Select(s => new ShapeDrift(
            s.Key.Provider,
            s.Key.Shape,
            s.Value.Compared,
            s.Value.Differing,
            s.Value.NotStored,
            [.. s.Value.NotStoredSamples],
            [.. s.Value.Fields
                .Select(f => new FieldDrift(f.Key.Field, f.Key.Change, f.Key.RenamedFrom, f.Value.Count, [.. f.Value.Samples]))
                .OrderByDescending(f => f.Count)
                .ThenBy(f => f.Field, StringComparer.Ordinal)])),
    ];

    private ShapeTally For(string provider, string? shape)
    {
        var key = (provider, shape ?? "-");
        if (!_shapes.TryGetValue(key, out var tally))
        {
            _shapes[key] = tally = new ShapeTally();
        }

        return tally;
    }

    private static void Sample(List<string> samples, string eventId)
    {
        if (samples.Count < MaxSamples && !samples.Contains(eventId, StringComparer.Ordinal))
        {
            samples.Add(eventId);
        }
    }

    private sealed class ShapeTally
    {
        public int Compared { get; set; }
        public int Differing { get; set; }
        public int NotStored { get; set; }
        public List<string> NotStoredSamples { get; } = [];
        public Dictionary<(string Field, string Change, string? RenamedFrom), FieldTally> Fields { get; } = [];
    }

    private sealed class FieldTally
    {
        public int Count { get; set; }
        public List<string> Samples { get; } = [];
    }
}

/// <summary>The drift of one provider's event shape: how many stored events were compared, how many differ, and how.</summary>
public sealed record ShapeDrift(
    string Provider, string Shape, int EventsCompared, int EventsDiffering, int EventsNotStored, IReadOnlyList<string> NotStoredSampleEventIds,
    IReadOnlyList<FieldDrift> Fields);

/// <summary>One field's change on one shape: how many events and the first three of them.</summary>
public sealed record FieldDrift(string Field, string Change, string? RenamedFrom, int Count, IReadOnlyList<string> SampleEventIds);
