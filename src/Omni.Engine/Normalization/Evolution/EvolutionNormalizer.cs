using System.Text.Json;
using Omni.Engine.Events;

namespace Omni.Engine.Normalization.Evolution;

/// <summary>
/// Normalizes Evolution API (WhatsApp through Baileys) webhooks, v1 and v2, into Omni events. Pure: the result
/// depends only on the payload (no clock, no I/O, no randomness), so replaying an archived body gives the same
/// events with the same ids.
/// </summary>
/// <remarks>
/// Quarantine is only for bodies that are not an Evolution envelope at all: empty, not UTF-8, not JSON (or nested
/// deeper than <see cref="JsonPayload.MaxDepth"/>), or JSON whose top level is not an object. A well-formed object with an unknown event name or an unknown message type becomes
/// <c>unknown</c> events, never nothing.
/// </remarks>
public sealed class EvolutionNormalizer : IPayloadNormalizer
{
    public string Provider => EvolutionEventFactory.Provider;

    /// <summary>The version of this mapping (see <see cref="IPayloadNormalizer.Version"/>): raise it when the events it makes change.</summary>
    public const int CurrentVersion = 1;

    public int Version => CurrentVersion;

    public NormalizationResult Normalize(RawPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);

        var body = JsonPayload.WithoutByteOrderMark(payload.Body);
        if (JsonPayload.IsBlank(body.Span))
        {
            return NormalizationResult.Quarantine("body is empty: an Evolution webhook is a JSON object");
        }

        var (parsed, problem) = JsonPayload.Parse(body);
        if (parsed is not { } document)
        {
            return NormalizationResult.Quarantine(problem!);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return NormalizationResult.Quarantine(
                    $"body is a JSON {JsonPayload.Describe(root.ValueKind)} at the top level, not an Evolution webhook envelope " +
                    "(a JSON object with \"event\" and \"data\")");
            }

            return NormalizationResult.Ok(Map(EvolutionEnvelope.Read(payload, root)));
        }
    }

    private static List<OmniEvent> Map(EvolutionEnvelope envelope)
    {
        if (envelope.HasNoDataItems)
        {
            return [EvolutionStateMapper.UnknownEnvelope(envelope)];
        }

        // An empty data array is an empty batch (e.g. contacts.upsert with no contacts): no events.
        var events = new List<OmniEvent>();
        foreach (var item in envelope.DataItems)
        {
            if (item.ValueKind == JsonValueKind.Object)
            {
                events.AddRange(MapItem(envelope, item));
            }
            else
            {
                events.Add(EvolutionStateMapper.Unknown(envelope, item));
            }
        }

        return events;
    }

    private static IReadOnlyList<OmniEvent> MapItem(EvolutionEnvelope envelope, JsonElement item) =>
        envelope.EventName switch
        {
            // send.message is the echo of a message the instance sent through the API: a fromMe message.
            EvolutionEventNames.MessagesUpsert or EvolutionEventNames.SendMessage =>
                [EvolutionMessageMapper.FromMessage(envelope, item)],
            EvolutionEventNames.MessagesUpdate => EvolutionUpdateMapper.FromUpdate(envelope, item),
            EvolutionEventNames.MessagesEdited => [EvolutionMessageMapper.FromEditedNotice(envelope, item)],
            EvolutionEventNames.MessagesDelete => [EvolutionMessageMapper.FromDeleteNotice(envelope, item)],
            EvolutionEventNames.PresenceUpdate => EvolutionStateMapper.Presence(envelope, item),
            EvolutionEventNames.ConnectionUpdate => [EvolutionStateMapper.Connection(envelope, item)],
            EvolutionEventNames.QrCodeUpdated => [EvolutionStateMapper.QrCode(envelope, item)],
            EvolutionEventNames.ContactsUpsert or EvolutionEventNames.ContactsUpdate => [EvolutionStateMapper.Contact(envelope, item)],
            EvolutionEventNames.GroupsUpsert or EvolutionEventNames.GroupsUpdate => [EvolutionStateMapper.Group(envelope, item)],
            EvolutionEventNames.GroupParticipantsUpdate => EvolutionStateMapper.Participants(envelope, item),
            EvolutionEventNames.Call => [EvolutionStateMapper.Call(envelope, item)],
            _ => [EvolutionStateMapper.Unknown(envelope, item)],
        };
}
