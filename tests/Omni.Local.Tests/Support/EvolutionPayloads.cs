using System.Text;

namespace Omni.Local.Tests.Support;

/// <summary>Small Evolution v2 <c>messages.upsert</c> bodies for tests that need many distinct messages.</summary>
public static class EvolutionPayloads
{
    public static byte[] Text(string messageId, string text, string remoteJid = "5511999990001@s.whatsapp.net", long timestamp = 1764000000) =>
        Encoding.UTF8.GetBytes($$"""
        {
          "event": "messages.upsert",
          "instance": "demo",
          "data": {
            "key": { "remoteJid": "{{remoteJid}}", "fromMe": false, "id": "{{messageId}}" },
            "pushName": "Test Sender",
            "message": { "conversation": {{System.Text.Json.JsonSerializer.Serialize(text)}} },
            "messageType": "conversation",
            "messageTimestamp": {{timestamp}},
            "instanceId": "00000000-0000-0000-0000-000000000001",
            "source": "android"
          },
          "destination": "http://localhost/webhook",
          "date_time": "2025-11-24T12:00:00.000Z",
          "sender": "5511988880000@s.whatsapp.net",
          "server_url": "http://localhost:8080",
          "apikey": "test-apikey"
        }
        """);

    /// <summary>A <c>messages.upsert</c> of any inner message (JSON), from the contact or from us, optionally in a group.</summary>
    public static byte[] Upsert(string messageJson, string messageId, string remoteJid, long timestamp, bool fromMe = false, string? participant = null,
        string eventName = "messages.upsert") =>
        Envelope(eventName, $$"""
            {
              "key": { "remoteJid": "{{remoteJid}}", "fromMe": {{(fromMe ? "true" : "false")}}, "id": "{{messageId}}"{{(participant is null ? "" : $", \"participant\": \"{participant}\"")}} },
              "pushName": "Test Sender",
              "message": {{messageJson}},
              "messageType": "unused",
              "messageTimestamp": {{timestamp}}
            }
            """);

    public static byte[] TextFrom(string messageId, string text, string remoteJid, long timestamp, bool fromMe, string? participant = null) =>
        Upsert($$"""{ "conversation": {{System.Text.Json.JsonSerializer.Serialize(text)}} }""", messageId, remoteJid, timestamp, fromMe, participant);

    public static byte[] Image(string messageId, string caption, string remoteJid, long timestamp) =>
        Upsert($$"""{ "imageMessage": { "caption": {{System.Text.Json.JsonSerializer.Serialize(caption)}}, "mimetype": "image/jpeg", "fileLength": "1234" } }""",
            messageId, remoteJid, timestamp);

    /// <summary>A reaction (<paramref name="emoji"/> "" removes it) by the chat's contact, or by <paramref name="participant"/> in a group.</summary>
    public static byte[] Reaction(string reactionId, string targetId, string emoji, string remoteJid, long timestamp, string? participant = null) =>
        Upsert($$"""{ "reactionMessage": { "key": { "remoteJid": "{{remoteJid}}", "fromMe": true, "id": "{{targetId}}" }, "text": "{{emoji}}", "senderTimestampMs": "{{timestamp * 1000}}" } }""",
            reactionId, remoteJid, timestamp, participant: participant);

    public static byte[] Edit(string targetId, string newText, string remoteJid, long timestamp, bool fromMe = false) =>
        Envelope("messages.edited", $$"""
            { "key": { "remoteJid": "{{remoteJid}}", "fromMe": {{(fromMe ? "true" : "false")}}, "id": "{{targetId}}" }, "type": "MESSAGE_EDIT",
              "editedMessage": { "conversation": {{System.Text.Json.JsonSerializer.Serialize(newText)}} }, "timestampMs": "{{timestamp * 1000}}" }
            """);

    public static byte[] Revoke(string revokeId, string targetId, string remoteJid, long timestamp, bool fromMe = false) =>
        Upsert($$"""{ "protocolMessage": { "key": { "remoteJid": "{{remoteJid}}", "fromMe": {{(fromMe ? "true" : "false")}}, "id": "{{targetId}}" }, "type": "REVOKE" } }""",
            revokeId, remoteJid, timestamp, fromMe);

    public static byte[] Poll(string pollId, string question, string[] options, string remoteJid, long timestamp) =>
        Upsert($$"""{ "pollCreationMessageV3": { "name": {{System.Text.Json.JsonSerializer.Serialize(question)}}, "options": [ {{string.Join(", ", options.Select(o => $"{{\"optionName\": \"{o}\"}}"))}} ], "selectableOptionsCount": 0 } }""",
            pollId, remoteJid, timestamp, fromMe: true);

    public static byte[] Vote(string voteId, string pollId, string[] selected, string remoteJid, string voter, long timestamp) =>
        Upsert($$"""{ "pollUpdateMessage": { "pollCreationMessageKey": { "remoteJid": "{{remoteJid}}", "fromMe": true, "id": "{{pollId}}" }, "vote": { "selectedOptions": [ {{string.Join(", ", selected.Select(o => $"\"{o}\""))}} ] }, "senderTimestampMs": "{{timestamp * 1000}}" } }""",
            voteId, remoteJid, timestamp, participant: voter);

    public static byte[] Envelope(string eventName, string dataJson) =>
        Encoding.UTF8.GetBytes($$"""
        {
          "event": "{{eventName}}",
          "instance": "demo",
          "data": {{dataJson}},
          "date_time": "2025-11-24T12:00:00.000Z",
          "sender": "5511988880000@s.whatsapp.net",
          "apikey": "test-apikey"
        }
        """);
}
