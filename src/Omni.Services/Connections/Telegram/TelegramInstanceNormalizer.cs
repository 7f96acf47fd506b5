using Omni.Engine.Normalization;
using Omni.Engine.Normalization.Telegram;
using Omni.Services.Configuration;

namespace Omni.Services.Connections.Telegram;

/// <summary>
/// The engine's <see cref="TelegramNormalizer"/> told each instance's bot user id (for <c>from_me</c>): the instance's
/// <c>BotUserId</c>, else the numeric prefix of its <c>BotToken</c>; and its <c>BotUsername</c> (for <c>mentions_me</c>).
/// </summary>
public sealed class TelegramInstanceNormalizer(OmniOptions options) : IPayloadNormalizer
{
    private readonly TelegramNormalizer _inner = new(
        instance => options.Instances.TryGetValue(instance, out var settings) ? BotUserIdOf(settings) : null,
        instance => options.Instances.TryGetValue(instance, out var settings) ? settings.BotUsername : null);

    public string Provider => _inner.Provider;

    public int Version => _inner.Version;

    public NormalizationResult Normalize(RawPayload payload) => _inner.Normalize(payload);

    public static string? BotUserIdOf(InstanceOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return string.IsNullOrWhiteSpace(settings.BotUserId) ? TelegramNormalizer.BotIdFromToken(settings.BotToken) : settings.BotUserId.Trim();
    }
}
