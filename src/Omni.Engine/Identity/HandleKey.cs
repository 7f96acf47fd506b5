namespace Omni.Engine.Identity;

/// <summary>
/// One provider address as the identity registry keys it: the channel (whatsapp, discord, …), the handle exactly as
/// events carry it in <c>sender_handle</c> (a WhatsApp JID incl. <c>@lid</c>, a Discord user id, …) and, for channels
/// whose ids are only unique per connection, the instance that scopes it.
/// </summary>
public readonly record struct HandleKey(string Channel, string Handle, string? Instance = null)
{
    public override string ToString() => Instance is null ? $"{Channel}:{Handle}" : $"{Channel}:{Handle}@{Instance}";
}
