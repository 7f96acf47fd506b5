namespace Omni.Services.Http;

/// <summary>
/// Who is calling a route, once <see cref="ApiDispatcher"/> has checked the route's <see cref="RouteAccess"/>: nobody
/// in particular (anonymous and webhook routes), or the holder of a query key that may read some instances or all.
/// Handlers scope what they return with it; they never read keys themselves.
/// </summary>
public sealed class Caller
{
    private readonly IReadOnlySet<string>? _instances;

    private Caller(string? keyName, IReadOnlySet<string>? instances, bool readsRaw = false, bool mayAct = false)
    {
        KeyName = keyName;
        _instances = instances;
        ReadsRaw = readsRaw;
        MayAct = mayAct;
    }

    /// <summary>The key's scope that lets it read archived payloads as received, credentials included.</summary>
    public const string RawScope = "raw";

    /// <summary>The key's scope that lets agents act through it (<c>start_workflow</c>, a <c>wish</c> that starts runs), on the instances it may read.</summary>
    public const string ActScope = "act";

    /// <summary>The caller of an anonymous or webhook route: reads nothing behind a key.</summary>
    public static Caller Nobody { get; } = new(null, new HashSet<string>());

    /// <summary>A query key: <paramref name="instances"/> empty means every instance.</summary>
    public static Caller WithKey(string keyName, IReadOnlyCollection<string> instances, IReadOnlyCollection<string>? scopes = null) =>
        new(keyName, instances.Count == 0 ? null : new HashSet<string>(instances, StringComparer.Ordinal), scopes?.Contains(RawScope) == true,
            scopes?.Contains(ActScope) == true);

    /// <summary>True when the key carries the <see cref="RawScope"/>: raw payloads are answered unredacted.</summary>
    public bool ReadsRaw { get; }

    /// <summary>True when the key carries the <see cref="ActScope"/>: agent tools that start runs accept it; reading keys cannot act.</summary>
    public bool MayAct { get; }

    /// <summary>The name of the key under <c>Omni:Keys</c> (for audit lines), or null.</summary>
    public string? KeyName { get; }

    /// <summary>A key not limited to some instances.</summary>
    public bool IsUnscoped => KeyName is not null && _instances is null;

    public bool CanRead(string instance) => KeyName is not null && (_instances is null || _instances.Contains(instance));

    /// <summary>Null when the caller may read <paramref name="instance"/>, else the 403 to answer.</summary>
    public Microsoft.AspNetCore.Http.IResult? Forbid(string instance) =>
        CanRead(instance) ? null : ApiError.Forbidden($"this key may not read instance '{instance}'");

    /// <summary>The same key limited to <paramref name="instance"/> (which it must be able to read): a wish asked about one instance reads nothing else.</summary>
    public Caller Narrowed(string instance) =>
        CanRead(instance) ? new Caller(KeyName, new HashSet<string>([instance], StringComparer.Ordinal), ReadsRaw, MayAct)
            : throw new InvalidOperationException($"this key may not read instance '{instance}'");

    /// <summary>Of <paramref name="configured"/>, the instances this caller may read, in ordinal order.</summary>
    public IReadOnlyList<string> Readable(IEnumerable<string> configured) => [.. configured.Where(CanRead).Order(StringComparer.Ordinal)];
}
