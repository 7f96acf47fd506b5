using System.Text.Json;
using Omni.Engine.Events;

namespace Omni.Engine.Normalization;

/// <summary>
/// The fields every normalizer sets the same way on an event it makes from a payload: the deterministic id from the
/// idempotency key (provider, instance, provider event id, kind), where it came from (instance, raw blob, received at),
/// and what it is. Each provider's factory adds its own fields on top (<c>with { ... }</c>).
/// </summary>
public static class EventHeader
{
    public static OmniEvent Create(
        RawPayload payload,
        string provider,
        string channel,
        string eventKind,
        string contentType,
        string providerEventId,
        string? providerEventType,
        string? shape,
        JsonElement? providerMetadata)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new OmniEvent
        {
            EventId = EventKey.ComputeEventId(provider, payload.Instance, providerEventId, eventKind),
            Channel = channel,
            Provider = provider,
            Instance = payload.Instance,
            EventKind = eventKind,
            ContentType = contentType,
            ProviderEventId = providerEventId,
            ProviderEventType = providerEventType,
            Shape = shape,
            ReceivedAt = payload.ReceivedAt,
            RawBlob = payload.BlobName,
            ProviderMetadata = providerMetadata,
        };
    }
}
