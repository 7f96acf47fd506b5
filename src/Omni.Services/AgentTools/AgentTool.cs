using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Omni.Services.Http;

namespace Omni.Services.AgentTools;

/// <summary>
/// One tool agents call (over MCP, or the model behind <c>wish</c>): its name, a description written for a model, the
/// JSON Schema of its arguments, whether it acts (starts runs: needs a key with the <c>act</c> scope), and its handler,
/// which calls the same services as the REST routes.
/// </summary>
public sealed record AgentTool(string Name, string Description, JsonElement InputSchema, bool Acts, Func<ToolInvocation, Task<JsonObject>> Handle)
{
    public static AgentTool Create(string name, string description, string schemaJson, Func<ToolInvocation, Task<JsonObject>> handle, bool acts = false)
    {
        using var schema = JsonDocument.Parse(schemaJson);
        return new AgentTool(name, description, schema.RootElement.Clone(), acts, handle);
    }
}

/// <summary>A tool call as a handler sees it: the checked caller, the arguments (read through the typed helpers, which throw <see cref="ToolException"/>), the byte budget.</summary>
public sealed class ToolInvocation(Caller caller, JsonElement arguments, int maxBytes, CancellationToken cancellation)
{
    public Caller Caller { get; } = caller;

    public JsonElement Arguments { get; } = arguments;

    /// <summary>The most bytes the result may take (<c>max_bytes</c>, else the toolbox's default).</summary>
    public int MaxBytes { get; } = maxBytes;

    public CancellationToken Cancellation { get; } = cancellation;

    public string? Text(string name, int maxLength = 500)
    {
        if (!Arguments.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw ToolException.BadArguments($"{name} must be a string");
        }

        var text = value.GetString()!;
        return text.Length > maxLength ? throw ToolException.BadArguments($"{name} must be at most {maxLength} characters")
            : text.Length == 0 ? null : text;
    }

    public string RequiredText(string name, int maxLength = 500) => Text(name, maxLength) ?? throw ToolException.BadArguments($"{name} is required");

    public bool? Bool(string name) =>
        !Arguments.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw ToolException.BadArguments($"{name} must be true or false");

    public int Number(string name, int fallback, int min, int max)
    {
        if (!Arguments.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= min && n <= max
            ? n
            : throw ToolException.BadArguments($"{name} must be a whole number from {min} to {max}");
    }

    public DateTimeOffset? Time(string name) =>
        Text(name, 40) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t
        : throw ToolException.BadArguments($"{name} must be an ISO-8601 time, e.g. 2026-11-23T17:00:00Z");

    /// <summary>The instances to read: the named one (which the key must be able to read), else every one it may read.</summary>
    public IReadOnlyList<string> Instances(IEnumerable<string> configured)
    {
        var all = configured.ToList();
        if (Text("instance", 100) is not { } instance)
        {
            return Caller.Readable(all);
        }

        if (!all.Contains(instance, StringComparer.Ordinal))
        {
            throw new ToolException("not_found", $"no instance named '{instance}' is configured");
        }

        return Caller.CanRead(instance) ? [instance] : throw new ToolException("forbidden", $"this key may not read instance '{instance}'");
    }
}

/// <summary>A tool call that could not be served, as the caller is told (<c>bad_arguments</c>, <c>not_found</c>, <c>forbidden</c>, <c>unavailable</c>, ...).</summary>
public sealed class ToolException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public static ToolException BadArguments(string message) => new("bad_arguments", message);
}
