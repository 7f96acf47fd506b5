using Omni.Engine.Identity;
using Omni.Services.Configuration;
using Omni.Services.Conversations;

namespace Omni.Services.Identity;

/// <summary>
/// Completes an identity's preferred channel from what happened (<see cref="PreferredChannelRules"/>): the user's choice
/// when there is one, else the channel of the most recent two-way exchange, else the primary handle's; and the route on
/// it (instance + conversation) a message to the person takes. Reads the person's newest <see cref="EventsRead"/> events
/// across channels (their identity timeline, on the instances given) and the summaries of the conversations they wrote in
/// (one point read each, at most <see cref="ConversationsRead"/>): nothing is stored at ingest for it.
/// </summary>
public sealed class PreferredChannels(IdentityTimeline timeline, ConversationStore conversations, OmniOptions options)
{
    public const int EventsRead = 50;
    public const int ConversationsRead = 20;

    /// <summary><paramref name="identity"/> with its preferred channel, source and route, using only <paramref name="instances"/>.</summary>
    public async Task<IdentityView> ResolveAsync(IdentityView identity, IReadOnlyCollection<string> instances, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var chosen = PreferredChannelRules.Choose(
            identity.PreferredChannelSource == PreferredChannel.Explicit ? identity.PreferredChannel : null,
            await ExchangesAsync(identity.IdentityId, instances, cancellationToken),
            [.. identity.Handles.Select(h => new HandleTarget(h.Channel, h.Handle, h.Instance ?? FirstInstanceOf(h.Channel, instances)))]);
        return identity with
        {
            PreferredChannel = chosen.Channel,
            PreferredChannelSource = chosen.Source,
            PreferredRoute = chosen.HasRoute ? new PreferredRoute(chosen.Instance!, chosen.ConversationId!, chosen.ExchangedAt) : null,
        };
    }

    public async Task<IReadOnlyList<IdentityView>> ResolveAllAsync(IEnumerable<IdentityView> identities, IReadOnlyCollection<string> instances,
        CancellationToken cancellationToken) =>
        await Task.WhenAll(identities.Select(i => ResolveAsync(i, instances, cancellationToken)));

    private async Task<IReadOnlyList<ExchangeCandidate>> ExchangesAsync(string identityId, IReadOnlyCollection<string> instances, CancellationToken cancellationToken)
    {
        if (await timeline.ListAsync(identityId, instances, null, null, EventsRead, null, cancellationToken) is not { } page)
        {
            return [];
        }

        var written = page.Events
            .Where(e => e.ConversationId is not null)
            .Select(e => (e.Instance, ConversationId: e.ConversationId!))
            .Distinct()
            .Take(ConversationsRead)
            .ToList();
        var summaries = await Task.WhenAll(written.Select(async c => (c.Instance, Summary: await conversations.GetAsync(c.Instance, c.ConversationId, cancellationToken))));
        return
        [
            .. summaries
                .Where(s => s.Summary is not null && options.Instances.ContainsKey(s.Instance))
                .Select(s => new ExchangeCandidate(IdentityTimeline.ChannelOfProvider(options.Instances[s.Instance].Provider), s.Instance,
                    s.Summary!.ConversationId, s.Summary.IsGroup, s.Summary.LastInboundAt, s.Summary.LastOutboundAt)),
        ];
    }

    /// <summary>The first (by name) of <paramref name="instances"/> that carries <paramref name="channel"/>.</summary>
    private string? FirstInstanceOf(string channel, IReadOnlyCollection<string> instances) =>
        instances
            .Where(i => options.Instances.TryGetValue(i, out var config) && IdentityTimeline.ChannelOfProvider(config.Provider) == channel)
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
}
