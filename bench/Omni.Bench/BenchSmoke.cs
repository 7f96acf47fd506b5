using Omni.Engine.Events;
using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Discord;
using Omni.Engine.Normalization.Evolution;
using Omni.Engine.Normalization.Slack;
using Omni.Engine.Normalization.Telegram;

namespace Omni.Bench;

/// <summary>
/// <c>--smoke</c>: a few of every channel's bench payloads through its normalizer, in process (no Azurite, no HTTP): each
/// must be one text message event with a sender and its own event id, or the rounds would measure something else.
/// </summary>
internal static class BenchSmoke
{
    public static int Run()
    {
        var failures = 0;
        foreach (var (channel, normalizer, instance) in new (BenchChannel, IPayloadNormalizer, string)[]
                 {
                     (BenchChannel.Evolution, new EvolutionNormalizer(), OmniUnderTest.Instance),
                     (BenchChannel.Discord, new DiscordNormalizer(_ => DiscordPayloads.BotUserId), OmniUnderTest.DiscordInstance),
                     (BenchChannel.Telegram, new TelegramNormalizer(), OmniUnderTest.TelegramInstance),
                     (BenchChannel.Slack, new SlackNormalizer(), OmniUnderTest.SlackInstance),
                 })
        {
            var events = Payloads.Make(channel, "SMOKE", 3)
                .Select((body, i) => normalizer.Normalize(new RawPayload(normalizer.Provider, instance, $"smoke{i}", $"smoke/{i}.json", DateTimeOffset.UtcNow, "application/json", body)))
                .SelectMany(r => r.Events)
                .ToList();
            var ok = events.Count == 3 && events.All(e => e.EventKind == EventKinds.Message && e.ContentType == ContentTypes.Text && e.SenderHandle is not null)
                     && events.Select(e => e.EventId).Distinct().Count() == 3;
            Console.WriteLine($"{channel}: {events.Count} events ({string.Join(", ", events.Select(e => $"{e.EventKind}/{e.ContentType} from {e.SenderHandle}"))}) {(ok ? "ok" : "UNEXPECTED")}");
            failures += ok ? 0 : 1;
        }

        return failures == 0 ? 0 : 1;
    }
}
