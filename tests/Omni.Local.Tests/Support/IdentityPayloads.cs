using System.Text;
using System.Text.Json;

namespace Omni.Local.Tests.Support;

/// <summary>Evolution v2 bodies for identity tests: who sends, under which name, with which alternate addresses.</summary>
public static class IdentityPayloads
{
    public const string Owner = "5511988880000@s.whatsapp.net";

    /// <summary>A 1:1 text from <paramref name="remoteJid"/>; <paramref name="keyExtras"/> adds key fields (e.g. <c>"senderLid": "…@lid"</c>).</summary>
    public static byte[] Direct(string messageId, string remoteJid, string text, long timestamp, string? pushName = "Test Sender",
        string keyExtras = "", bool fromMe = false) =>
        Body("messages.upsert", $$"""
            {"key": {"remoteJid": "{{remoteJid}}", "fromMe": {{(fromMe ? "true" : "false")}}, "id": "{{messageId}}"{{(keyExtras.Length > 0 ? ", " + keyExtras : "")}}},
             {{(pushName is null ? "" : $"\"pushName\": {JsonSerializer.Serialize(pushName)},")}}
             "message": {"conversation": {{JsonSerializer.Serialize(text)}}}, "messageType": "conversation", "messageTimestamp": {{timestamp}}}
            """);

    /// <summary>A group text from <paramref name="participant"/>.</summary>
    public static byte[] Group(string messageId, string participant, string text, long timestamp, string keyExtras = "") =>
        Body("messages.upsert", $$"""
            {"key": {"remoteJid": "120363000000000077@g.us", "fromMe": false, "id": "{{messageId}}", "participant": "{{participant}}"{{(keyExtras.Length > 0 ? ", " + keyExtras : "")}}},
             "pushName": "Group Member", "message": {"conversation": {{JsonSerializer.Serialize(text)}}}, "messageType": "conversation", "messageTimestamp": {{timestamp}}}
            """);

    /// <summary>A <c>contacts.upsert</c> card naming <paramref name="remoteJid"/>.</summary>
    public static byte[] Contact(string remoteJid, string name, string dateTime = "2025-11-24T12:00:00.000Z") =>
        Body("contacts.upsert", $$"""
            [{"remoteJid": "{{remoteJid}}", "pushName": {{JsonSerializer.Serialize(name)}}, "profilePicUrl": "https://pps.whatsapp.net/v/p.jpg", "instanceId": "x"}]
            """, dateTime);

    private static byte[] Body(string eventName, string data, string dateTime = "2025-11-24T12:00:00.000Z") =>
        Encoding.UTF8.GetBytes($$"""
            {"event": "{{eventName}}", "instance": "demo", "data": {{data}}, "destination": "http://localhost/webhook",
             "date_time": "{{dateTime}}", "sender": "{{Owner}}", "server_url": "http://localhost:8080", "apikey": "k"}
            """);
}
