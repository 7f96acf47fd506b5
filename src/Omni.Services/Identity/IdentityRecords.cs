using System.Text.Json.Serialization;
using Azure;
using Omni.Engine.Identity;

namespace Omni.Services.Identity;

/// <summary>Canonical <c>entity_type</c> values.</summary>
public static class EntityTypes
{
    public const string Person = "person";
    public const string Organization = "organization";
    public const string Group = "group";
    public const string Bot = "bot";

    public static readonly IReadOnlyList<string> All = [Person, Organization, Group, Bot];
}

/// <summary>An identity's profile row.</summary>
public sealed record IdentityProfile
{
    public required string IdentityId { get; init; }
    public string? DisplayName { get; init; }

    /// <summary><c>provider</c> (a push name or contact card) or <c>user</c> (PATCH): a provider never overwrites a user's choice.</summary>
    public string? DisplayNameSource { get; init; }

    /// <summary>The value of a choice a user made (display name source, preferred channel source).</summary>
    public const string UserChoice = "user";

    public string EntityType { get; init; } = EntityTypes.Person;

    /// <summary>The channel a user chose to reach this person on (<c>PATCH</c>); null: chosen from the exchanges (<see cref="PreferredChannels"/>).</summary>
    public string? PreferredChannel { get; init; }
    public string? AvatarUrl { get; init; }

    /// <summary>Set while the identity is merged into another (its handles moved there); cleared by the unmerge.</summary>
    public string? MergedInto { get; init; }

    public string? MergeId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    [JsonIgnore]
    public ETag ETag { get; init; }
}

/// <summary>A handle's ownership row: which identity it belongs to, and what is known about it.</summary>
public sealed record HandleRecord
{
    public required string Channel { get; init; }
    public required string Handle { get; init; }
    public string? Instance { get; init; }
    public required string IdentityId { get; init; }
    public bool IsPrimary { get; init; }
    public string? PushName { get; init; }
    public string? AvatarUrl { get; init; }

    /// <summary>How it came to its owner: <c>ingest</c> (first sight), <c>auto_link</c> (a phone/LID pair), <c>api</c>, <c>merge</c>, <c>unmerge</c>.</summary>
    public required string LinkedBy { get; init; }

    /// <summary>The history record of the last change of owner (null for a first sight).</summary>
    public string? LinkId { get; init; }

    /// <summary>The event that first showed this handle, or that proved the link.</summary>
    public string? EvidenceEventId { get; init; }

    /// <summary>
    /// The instances whose events showed this handle (the first sight's, then each new one the normalizer meets): what a
    /// query key scoped to instances may see of the registry (<see cref="IdentityScope"/>).
    /// </summary>
    public IReadOnlyList<string> SeenOn { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    [JsonIgnore]
    public HandleKey Key => new(Channel, Handle, Instance);

    [JsonIgnore]
    public ETag ETag { get; init; }
}

/// <summary>One handle's change of owner inside a history record.</summary>
public sealed record HandleMoveRecord(string Channel, string Handle, string? Instance, string? FromIdentityId, string ToIdentityId, bool WasPrimary, bool IsPrimary)
{
    public static HandleMoveRecord From(HandleMove move) =>
        new(move.Key.Channel, move.Key.Handle, move.Key.Instance, move.FromIdentityId, move.ToIdentityId, move.WasPrimary, move.IsPrimary);

    public HandleMove ToMove() => new(new HandleKey(Channel, Handle, Instance), FromIdentityId, ToIdentityId, WasPrimary, IsPrimary);
}

/// <summary>
/// A history record (append-only): <c>link</c> (the API linked a handle), <c>auto_link</c> (a payload proved two
/// addresses are one person), <c>merge</c>, <c>unmerge</c>. Stored in the partition of the identity acted on.
/// </summary>
public sealed record LinkRecord
{
    public required string LinkId { get; init; }
    public required string Kind { get; init; }
    public required string IdentityId { get; init; }
    public string? FromIdentityId { get; init; }

    /// <summary>For an unmerge: the merge it undid.</summary>
    public string? MergeId { get; init; }

    public required IReadOnlyList<HandleMoveRecord> Moves { get; init; }

    /// <summary>Who asked: <c>ingest</c>, or <c>api:{key name}</c>.</summary>
    public required string Actor { get; init; }

    public string? Reason { get; init; }
    public string? EvidenceEventId { get; init; }
    public string? EvidenceRawBlob { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

public static class LinkKinds
{
    public const string Link = "link";
    public const string AutoLink = "auto_link";
    public const string Merge = "merge";
    public const string Unmerge = "unmerge";
}
