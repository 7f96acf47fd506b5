using System.Globalization;
using System.Text;
using Omni.Engine.Events;
using Omni.Services.Configuration;
using Omni.Services.Events;
using Omni.Services.Storage;

namespace Omni.Services.Identity;

/// <summary>
/// One identity's events across channels and instances, newest first: the union of the sender index
/// (<see cref="EventStore.ListBySenderAsync"/>) of every handle the identity owns now, on every instance of that
/// handle's channel. Because it reads current ownership, a link, merge or unmerge changes the timeline at once without
/// touching an event; returned events carry the current owner as <c>identity_id</c> (the stamp stored at ingest may be
/// older). Pages by one position in the shared index order, so pages never repeat or skip an event.
/// </summary>
public sealed class IdentityTimeline(IdentityService identities, EventStore events, OmniOptions options)
{
    private const string TokenPrefix = "p:";

    /// <summary>The channel a provider's instances carry.</summary>
    public static string ChannelOfProvider(string provider) => provider switch
    {
        "evolution" => Channels.WhatsApp,
        _ => provider,
    };

    /// <summary>Null when the identity does not exist. Throws <see cref="ArgumentException"/> for a bad continuation.</summary>
    public async Task<EventPage?> ListAsync(string identityId, IReadOnlyCollection<string> instances, DateTimeOffset? from, DateTimeOffset? to,
        int limit, string? continuation, CancellationToken cancellationToken)
    {
        var position = DecodeToken(continuation);
        if (await identities.GetAsync(identityId, cancellationToken) is not { } identity)
        {
            return null;
        }

        position ??= to is { } end ? TableKeys.NewestFirst(end) + TableKeys.Separator + "~" : null;
        var streams = identity.Handles
            .SelectMany(h => instances
                .Where(i => options.Instances.TryGetValue(i, out var config) && ChannelOfProvider(config.Provider) == h.Channel &&
                            (h.Instance is null || h.Instance == i))
                .Select(i => (Instance: i, h.Handle)))
            .Distinct()
            .ToList();
        var pages = await Task.WhenAll(streams.Select(s => events.ListBySenderAsync(s.Instance, s.Handle, limit,
            position is null ? null : EventStore.SenderContinuation(s.Handle, position), cancellationToken)));

        var inWindow = pages
            .SelectMany(p => p.Events)
            .Where(e => from is null || (e.OccurredAt ?? e.ReceivedAt) >= from)
            .DistinctBy(e => e.EventId)
            .OrderBy(EventStore.PositionOf, StringComparer.Ordinal)
            .ToList();
        var page = inWindow.Take(limit).Select(e => EventLimits.Bound(e) with { IdentityId = identityId }).ToList(); // bounded, as every listing
        // More remain when something in the window was cut off, or a stream filled its page while still inside the window.
        var more = inWindow.Count > limit ||
                   pages.Any(p => p.Continuation is not null && p.Events.Count > 0 && (from is null || (p.Events[^1].OccurredAt ?? p.Events[^1].ReceivedAt) >= from));
        return new EventPage(page, more && page.Count == limit ? EncodeToken(EventStore.PositionOf(page[^1])) : null);
    }

    private static string EncodeToken(string position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(TokenPrefix + position)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string text;
        try
        {
            var s = token.Replace('-', '+').Replace('_', '/');
            text = Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=')));
        }
        catch (FormatException)
        {
            throw new ArgumentException("the continuation token is not valid", nameof(token));
        }

        // {19 digits}|{event id}: nothing else may reach a row-key filter.
        var parts = text.StartsWith(TokenPrefix, StringComparison.Ordinal) ? text[TokenPrefix.Length..].Split(TableKeys.Separator) : [];
        if (parts.Length != 2 || parts[0].Length != 19 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out _) ||
            EventKey.InstanceOf(parts[1]) is null)
        {
            throw new ArgumentException("the continuation token is not valid", nameof(token));
        }

        return text[TokenPrefix.Length..];
    }
}
