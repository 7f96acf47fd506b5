namespace Omni.Services.Http;

/// <summary>Who may call a route: declared once per route in <see cref="ApiRoutes"/> and enforced by <see cref="ApiDispatcher"/> before the handler runs.</summary>
public enum RouteAccess
{
    /// <summary>Anyone: health probes, the OpenAPI document.</summary>
    Anonymous,

    /// <summary>A provider's webhook: the ingest handler authenticates it with the instance's secret, per provider, before any work.</summary>
    Webhook,

    /// <summary>Any valid query key; the handler scopes what it reads or returns to the key's instances (<see cref="Caller"/>).</summary>
    Key,

    /// <summary>A query key that may read the instance the route names: <c>{instance}</c> in the path, else <c>?instance=</c> when given.</summary>
    InstanceKey,

    /// <summary>A query key that is not limited to some instances (changes that reach across instances).</summary>
    UnscopedKey,
}
