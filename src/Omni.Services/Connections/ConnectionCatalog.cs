using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Json;
using Omni.Engine.Workflows.Actions;

namespace Omni.Services.Connections;

/// <summary>One setting a person configures before enabling a connection (<c>Omni__Instances__&lt;name&gt;__…</c>).</summary>
public sealed record ConnectionSetting(string Key, bool Required, bool Secret, string Description, string? Value = null);

/// <summary>
/// A connection as the marketplace shows it (<c>connection.&lt;provider&gt;</c>): what it ingests, how deliveries are
/// authenticated and deduplicated, which event kinds and content types it produces, which outbound actions it supports,
/// and what must be configured and registered before enabling it.
/// </summary>
public sealed record ConnectionDescriptor
{
    public required string Id { get; init; }
    public required string Provider { get; init; }
    public required string Channel { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }
    public required string Ingests { get; init; }
    public required string WebhookPath { get; init; }
    public required string Authentication { get; init; }
    public required string Deduplication { get; init; }
    public required IReadOnlyList<string> EventKinds { get; init; }
    public required IReadOnlyList<string> ContentTypes { get; init; }
    public required IReadOnlyList<string> OutboundActions { get; init; }
    public required string Media { get; init; }
    public required IReadOnlyList<ConnectionSetting> Settings { get; init; }
    public required IReadOnlyList<string> Setup { get; init; }
}

/// <summary>
/// The connections this build speaks, kept as data (<c>Connections/connections.json</c>, embedded) and checked when
/// loaded against the code: canonical event kinds and content types, outbound actions that exist in the registry, the
/// ingest route's shape. <see cref="Check"/> compares it with the providers registered in DI (a test does).
/// </summary>
public static class ConnectionCatalog
{
    private const string Resource = "Omni.Services.Connections.connections.json";

    public static IReadOnlyList<ConnectionDescriptor> All { get; } = Load(ActionRegistry.Default);

    /// <summary>Problems between the catalogue and the providers that have a verifier (ingest) and a sender (outbound).</summary>
    public static IReadOnlyList<string> Check(IEnumerable<string> verifiedProviders, IEnumerable<string> sendingProviders)
    {
        var problems = new List<string>();
        var byProvider = All.ToDictionary(c => c.Provider, StringComparer.Ordinal);
        foreach (var provider in verifiedProviders.Where(p => !byProvider.ContainsKey(p)))
        {
            problems.Add($"the provider '{provider}' has an ingest verifier but no entry in connections.json");
        }

        var senders = sendingProviders.ToHashSet(StringComparer.Ordinal);
        foreach (var c in All)
        {
            if (senders.Contains(c.Provider) != c.OutboundActions.Contains("route.reply"))
            {
                problems.Add($"{c.Id}: outbound_actions {(senders.Contains(c.Provider) ? "miss" : "list")} route.reply, but the provider {(senders.Contains(c.Provider) ? "has" : "has no")} channel sender");
            }
        }

        return problems;
    }

    internal static IReadOnlyList<ConnectionDescriptor> Load(ActionRegistry registry)
    {
        using var stream = typeof(ConnectionCatalog).Assembly.GetManifestResourceStream(Resource)
                           ?? throw new InvalidOperationException($"the embedded resource {Resource} is missing");
        var document = JsonSerializer.Deserialize<Document>(stream, OmniJson.Options)
                       ?? throw new InvalidOperationException("connections.json is empty");
        foreach (var c in document.Connections)
        {
            Require(c.Id == "connection." + c.Provider, c, "id must be connection.<provider>");
            Require(c.WebhookPath == $"/api/webhooks/{c.Provider}/{{instance}}", c, "webhook_path must be /api/webhooks/<provider>/{instance}");
            Require(c.EventKinds.All(EventKinds.All.Contains), c, "event_kinds must be canonical");
            Require(c.ContentTypes.All(ContentTypes.All.Contains), c, "content_types must be canonical");
            Require(c.OutboundActions.All(a => registry.Resolve(a) is not null), c, "outbound_actions must be registry actions");
            Require(c.Settings.Any(s => s.Key.EndsWith("__Provider", StringComparison.Ordinal) && s.Value == c.Provider), c, "settings must name the Provider value");
        }

        return document.Connections;
    }

    private static void Require(bool condition, ConnectionDescriptor connection, string rule)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"connections.json, {connection.Id}: {rule}");
        }
    }

    private sealed record Document(IReadOnlyList<ConnectionDescriptor> Connections);
}
