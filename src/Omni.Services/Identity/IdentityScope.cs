using Omni.Engine.Events;
using Omni.Services.Http;

namespace Omni.Services.Identity;

/// <summary>
/// What a query key scoped to some instances may see of the identity registry: an identity only through the handles
/// seen on its instances, and only those handles. A handle is seen on an instance when it belongs to that instance
/// (Discord- or Slack-style ids), when one of that instance's events showed it (<see cref="HandleRecord.SeenOn"/>), or
/// when its evidence event is that instance's. An unscoped key sees everything.
/// </summary>
public static class IdentityScope
{
    public static bool CanSee(Caller caller, HandleView handle)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(handle);
        return caller.IsUnscoped
               || (handle.Instance is { } own && caller.CanRead(own))
               || handle.SeenOn.Any(caller.CanRead)
               || (EventKey.InstanceOf(handle.EvidenceEventId ?? "") is { } evidence && caller.CanRead(evidence));
    }

    /// <summary>The identity as <paramref name="caller"/> may see it (only its visible handles), or null when it may not see it at all.</summary>
    public static IdentityView? View(Caller caller, IdentityView identity)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(identity);
        if (caller.IsUnscoped)
        {
            return identity;
        }

        var visible = identity.Handles.Where(h => CanSee(caller, h)).ToList();
        return visible.Count == 0 ? null : identity with { Handles = visible };
    }
}
