using Microsoft.AspNetCore.Http;
using Omni.Engine.Identity;
using Omni.Engine.Json;
using Omni.Services.Configuration;
using Omni.Services.Http;
using Omni.Services.Identity;

namespace Omni.Services.Contacts;

/// <summary>
/// Stored contact lists per instance, read by <c>guard.blocklist</c> (<c>blocked</c>) and <c>guard.contact_override.&lt;label&gt;</c>:
/// list, add an entry, remove an entry. An entry is a handle of the instance's channel or an identity id; it is stored in
/// canonical form (<see cref="ContactEntries"/>), so <c>5511999990001</c> and <c>5511999990001@s.whatsapp.net</c> are one
/// entry. Behind a query key that may read the instance (<see cref="RouteAccess.InstanceKey"/>: <c>403</c> otherwise); unknown instance <c>404</c>; a bad list
/// name or entry <c>400</c> with the reason.
/// </summary>
public sealed class ContactListsEndpoints(OmniOptions options, ContactListStore lists)
{
    /// <summary><c>GET /api/contact-lists/{instance}/{list}</c>: <c>{"instance", "list", "entries": [{entry, kind, added_at}]}</c>; empty when nobody wrote it.</summary>
    public async Task<IResult> ListAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (instance, list, cancellationToken) = (call.Route("instance"), call.Route("list"), call.Cancellation);
        if (Check(instance, list) is { } error)
        {
            return error;
        }

        var entries = await lists.ListAsync(instance, list, cancellationToken);
        return Json(new { instance, list, entries }, StatusCodes.Status200OK);
    }

    /// <summary><c>PUT /api/contact-lists/{instance}/{list}/{entry}</c>: <c>201</c> when added, <c>200</c> when it was there already.</summary>
    public async Task<IResult> PutAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (instance, list, entry, cancellationToken) = (call.Route("instance"), call.Route("list"), call.Route("entry"), call.Cancellation);
        if (Check(instance, list) is { } error)
        {
            return error;
        }

        if (Canonical(instance, entry) is not { } canonical)
        {
            return BadEntry(instance, entry);
        }

        var (stored, added) = await lists.AddAsync(instance, list, canonical, cancellationToken);
        return Json(
            new { instance, list, entry = stored.Entry, kind = stored.Kind, added_at = stored.AddedAt, added },
            added ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    /// <summary><c>DELETE /api/contact-lists/{instance}/{list}/{entry}</c>: <c>{"removed": true|false}</c> (false: it was not on the list).</summary>
    public async Task<IResult> DeleteAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (instance, list, entry, cancellationToken) = (call.Route("instance"), call.Route("list"), call.Route("entry"), call.Cancellation);
        if (Check(instance, list) is { } error)
        {
            return error;
        }

        if (Canonical(instance, entry) is not { } canonical)
        {
            return BadEntry(instance, entry);
        }

        var removed = await lists.RemoveAsync(instance, list, canonical, cancellationToken);
        return Json(new { instance, list, entry = canonical, removed }, StatusCodes.Status200OK);
    }

    private IResult? Check(string instance, string list)
    {
        if (!options.Instances.ContainsKey(instance))
        {
            return ApiError.NotFound($"no instance named '{instance}' is configured");
        }

        return ContactListStore.IsValidListName(list)
            ? null
            : ApiError.BadRequest($"the list name must be 1-64 of a-z, 0-9, '_' and '-' (e.g. blocked, vip), not '{Shorten(list)}'");
    }

    private string? Canonical(string instance, string entry) => ContactEntries.Canonical(ChannelOf(instance), entry);

    private string ChannelOf(string instance) => IdentityTimeline.ChannelOfProvider(options.Instances[instance].Provider);

    private IResult BadEntry(string instance, string entry) => ApiError.BadRequest(
        $"'{Shorten(entry)}' is neither an identity id (idn_ + 32 hex) nor a {ChannelOf(instance)} handle" +
        (ChannelOf(instance) == Omni.Engine.Events.Channels.WhatsApp ? " (a JID such as 5511999990001@s.whatsapp.net, or a phone number such as +55 11 99999-0001)" : ""));

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private static IResult Json(object value, int status) => Results.Json(value, OmniJson.Options, statusCode: status);
}
