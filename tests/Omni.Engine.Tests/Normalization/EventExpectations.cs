using System.Globalization;
using System.Text.Json;
using Xunit;

namespace Omni.TestSupport;

/// <summary>
/// The provider fixtures (<c>tests/TestData/providers/&lt;provider&gt;/*.json</c>) and their expectation files
/// (<c>tests/TestData/expectations/&lt;provider&gt;/&lt;same name&gt;.json</c>), and the one comparison both the
/// engine tests and the HTTP integration tests use:
/// <code>{ "quarantine": null | "text contained in the reason", "events": [ { snake_case OmniEvent keys } ] }</code>
/// Events are matched by (event_kind, provider_event_id); every key present in an expected event is compared
/// with JSON semantics: null equals absent, numbers compare numerically, everything else (strings, booleans,
/// times as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> strings) compares exactly. Keys the expectation omits are not checked.
/// Only System.Text.Json and xunit's Assert, so the file can be linked into another test project.
/// </summary>
public static class EventExpectations
{
    private static readonly string[] RepoRootMarkers = ["Omni.sln", "Directory.Build.props"];

    /// <summary>
    /// <c>tests/TestData/providers/&lt;provider&gt;</c>: the real provider payloads, copied into the repository (each file's
    /// source is in <c>tests/TestData/providers/SOURCES.md</c>), so a clone alone runs the tests.
    /// </summary>
    public static string FixturesDirectory(string provider)
    {
        var providerDirectory = Path.Combine(RepoRoot(), "tests", "TestData", "providers", provider);
        Assert.True(Directory.Exists(providerDirectory), $"Fixtures folder {providerDirectory} does not exist.");
        return providerDirectory;
    }

    /// <summary>The repository root: the nearest directory above the test binaries holding Omni.sln or Directory.Build.props.</summary>
    public static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (RepoRootMarkers.Any(marker => File.Exists(Path.Combine(directory.FullName, marker))))
            {
                return directory.FullName;
            }
        }

        Assert.Fail($"No repository root (a directory with {string.Join(" or ", RepoRootMarkers)}) found above {AppContext.BaseDirectory}.");
        return string.Empty;
    }

    /// <summary><c>tests/TestData/expectations/&lt;provider&gt;</c> under the repository root.</summary>
    public static string ExpectationsDirectory(string provider) =>
        Path.Combine(RepoRoot(), "tests", "TestData", "expectations", provider);

    /// <summary>The fixture file names (not paths) of one provider, sorted ordinally.</summary>
    /// <summary>Every fixture of <paramref name="provider"/> has an expectation file and no expectation names a missing fixture.</summary>
    public static void AssertEveryFixtureHasAnExpectation(string provider, int fixtureCount)
    {
        var fixtures = FixtureNames(provider);
        var expectations = Directory.GetFiles(ExpectationsDirectory(provider), "*.json")
            .Select(path => Path.GetFileName(path))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(fixtureCount, fixtures.Count);
        Assert.Equal(fixtures, expectations);
    }

    public static IReadOnlyList<string> FixtureNames(string provider) =>
        [.. Directory.GetFiles(FixturesDirectory(provider), "*.json")
            .Select(path => Path.GetFileName(path))
            .Order(StringComparer.Ordinal)];

    public static byte[] ReadFixture(string provider, string fixtureName) =>
        File.ReadAllBytes(Path.Combine(FixturesDirectory(provider), fixtureName));

    /// <summary>The parsed expectation file for a fixture; fails clearly when it is missing.</summary>
    public static JsonElement ReadExpectation(string provider, string fixtureName)
    {
        var path = Path.Combine(ExpectationsDirectory(provider), fixtureName);
        Assert.True(File.Exists(path), $"Expectation file {path} is missing for fixture {provider}/{fixtureName}.");
        return JsonSerializer.Deserialize<JsonElement>(File.ReadAllBytes(path));
    }

    /// <summary>
    /// Compares what a normalizer (or the event API) produced for one fixture with its expectation.
    /// </summary>
    /// <param name="expectation">The expectation file's root object.</param>
    /// <param name="actualQuarantineReason">The quarantine reason, or null when the payload was accepted.</param>
    /// <param name="actualEvents">A JSON array of events, snake_case as the API serializes them.</param>
    /// <param name="label">Names the fixture in failure messages.</param>
    /// <param name="allowExtraActualEvents">
    /// True when <paramref name="actualEvents"/> may hold events of other payloads (an API listing); otherwise the
    /// (event_kind, provider_event_id) sets must be equal.
    /// </param>
    public static void AssertMatches(
        JsonElement expectation, string? actualQuarantineReason, JsonElement actualEvents, string label, bool allowExtraActualEvents = false)
    {
        Assert.True(expectation.ValueKind == JsonValueKind.Object, $"{label}: the expectation must be a JSON object.");
        Assert.True(actualEvents.ValueKind == JsonValueKind.Array, $"{label}: the actual events must be a JSON array.");

        AssertQuarantine(expectation, actualQuarantineReason, label);

        var actualByKey = new Dictionary<(string Kind, string Id), JsonElement>();
        foreach (var actual in actualEvents.EnumerateArray())
        {
            var key = MatchKey(actual, $"{label}: actual event");
            Assert.False(actualByKey.ContainsKey(key), $"{label}: two actual events share (event_kind, provider_event_id) = {key}.");
            actualByKey[key] = actual;
        }

        var expectedEvents = expectation.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Array
            ? events.EnumerateArray().ToList()
            : [];
        var expectedKeys = new HashSet<(string Kind, string Id)>();
        foreach (var expected in expectedEvents)
        {
            var key = MatchKey(expected, $"{label}: expected event");
            Assert.True(expectedKeys.Add(key), $"{label}: two expected events share (event_kind, provider_event_id) = {key}.");
            Assert.True(
                actualByKey.TryGetValue(key, out var actual),
                $"{label}: no actual event with (event_kind, provider_event_id) = {key}. Actual: {string.Join(", ", actualByKey.Keys)}.");
            AssertEventMatches(expected, actual, $"{label} event {key}");
        }

        if (!allowExtraActualEvents)
        {
            var extra = actualByKey.Keys.Where(key => !expectedKeys.Contains(key)).ToList();
            Assert.True(extra.Count == 0, $"{label}: unexpected actual events {string.Join(", ", extra)}.");
        }
    }

    /// <summary>Every key of <paramref name="expected"/> must match the same key of <paramref name="actual"/>.</summary>
    public static void AssertEventMatches(JsonElement expected, JsonElement actual, string label)
    {
        foreach (var property in expected.EnumerateObject())
        {
            var actualValue = actual.TryGetProperty(property.Name, out var value) ? value : default;
            Assert.True(
                JsonEquals(property.Value, actualValue),
                $"{label}: '{property.Name}' expected {Show(property.Value)} but was {Show(actualValue)}.");
        }
    }

    /// <summary>JSON equality with null == absent and numbers compared by value.</summary>
    public static bool JsonEquals(JsonElement expected, JsonElement actual)
    {
        if (IsNullOrAbsent(expected) || IsNullOrAbsent(actual))
        {
            return IsNullOrAbsent(expected) && IsNullOrAbsent(actual);
        }

        if (expected.ValueKind != actual.ValueKind)
        {
            return false;
        }

        return expected.ValueKind switch
        {
            JsonValueKind.Number => NumbersEqual(expected, actual),
            JsonValueKind.String => string.Equals(expected.GetString(), actual.GetString(), StringComparison.Ordinal),
            JsonValueKind.True or JsonValueKind.False => true,
            JsonValueKind.Array => expected.GetArrayLength() == actual.GetArrayLength()
                && expected.EnumerateArray().Zip(actual.EnumerateArray()).All(pair => JsonEquals(pair.First, pair.Second)),
            JsonValueKind.Object => ObjectsEqual(expected, actual),
            _ => false,
        };
    }

    private static void AssertQuarantine(JsonElement expectation, string? actualReason, string label)
    {
        var expected = expectation.TryGetProperty("quarantine", out var quarantine) ? quarantine : default;
        if (IsNullOrAbsent(expected))
        {
            Assert.True(actualReason is null, $"{label}: expected no quarantine but it was quarantined: {actualReason}");
            return;
        }

        Assert.True(actualReason is not null, $"{label}: expected a quarantine reason containing '{expected.GetString()}' but the payload was accepted.");
        Assert.Contains(expected.GetString() ?? string.Empty, actualReason, StringComparison.OrdinalIgnoreCase);
    }

    private static (string Kind, string Id) MatchKey(JsonElement evt, string label)
    {
        Assert.True(evt.ValueKind == JsonValueKind.Object, $"{label} is not a JSON object.");
        return (RequiredString(evt, "event_kind", label), RequiredString(evt, "provider_event_id", label));
    }

    private static string RequiredString(JsonElement evt, string name, string label)
    {
        Assert.True(
            evt.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String,
            $"{label} has no string '{name}': {evt.GetRawText()}");
        return value.GetString()!;
    }

    private static bool ObjectsEqual(JsonElement expected, JsonElement actual)
    {
        var names = expected.EnumerateObject().Select(p => p.Name)
            .Union(actual.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
        return names.All(name => JsonEquals(
            expected.TryGetProperty(name, out var e) ? e : default,
            actual.TryGetProperty(name, out var a) ? a : default));
    }

    private static bool NumbersEqual(JsonElement expected, JsonElement actual) =>
        expected.TryGetDecimal(out var e) && actual.TryGetDecimal(out var a)
            ? e == a
            : expected.GetDouble().Equals(actual.GetDouble());

    private static bool IsNullOrAbsent(JsonElement element) =>
        element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    private static string Show(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? "(absent)" : element.GetRawText();

    /// <summary>Formats a time the way the expectation files write it.</summary>
    public static string FormatTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
