using System.Text;

namespace Omni.Local.Tests.Support;

/// <summary>Small Evolution v2 <c>messages.upsert</c> bodies for tests that need many distinct messages.</summary>
public static class EvolutionPayloads
{
    public static byte[] Text(string messageId, string text, string remoteJid = "5511999990001@s.whatsapp.net", long timestamp = 1764000000,
        string pushName = "Test Sender") =>
        Encoding.UTF8.GetBytes($$"""
        {
          "event": "messages.upsert",
          "instance": "demo",
          "data": {
            "key": { "remoteJid": "{{remoteJid}}", "fromMe": false, "id": "{{messageId}}" },
            "pushName": {{System.Text.Json.JsonSerializer.Serialize(pushName)}},
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

    /// <summary>
    /// A voice note as Evolution v2 sends it with "webhook base64" on (the ptt fixture's shape): the encrypted WhatsApp CDN
    /// URL in <c>audioMessage.url</c> and the decrypted bytes in <c>message.base64</c>. Forwarded: WhatsApp's
    /// <c>contextInfo</c> inside the <c>audioMessage</c> (<c>isForwarded</c>, <c>forwardingScore</c>), where the normalizer reads it.
    /// </summary>
    public static byte[] VoiceNote(string messageId, byte[] audio, bool forwarded, string remoteJid = "5511999990001@s.whatsapp.net", long timestamp = 1764000000) =>
        Upsert($$"""
            {
              "audioMessage": {
                "url": "https://mmg.whatsapp.net/v/t62.7117-24/35629873_663410686581758_8880443034391015442_n.enc?ccb=11-4&oh=01_Q5Aa1QFOLsA1To6&oe=683D7A3F&_nc_sid=5e03e0&mms3=true",
                "mimetype": "audio/ogg; codecs=opus",
                "fileSha256": "tDg3nBM3DUH1IA2fPdyXv4wgAPEoMP4sg2wZZX0igdM=",
                "fileLength": "{{audio.Length}}",
                "seconds": 4,
                "ptt": true,
                "mediaKey": "HMyn8WkBQ4MNj5fXCyqy52dqLnXwT85mlu59ncqn9Ao=",
                "directPath": "/v/t62.7117-24/35629873_663410686581758_8880443034391015442_n.enc?ccb=11-4&oh=01_Q5Aa1QFOLsA1To6&oe=683D7A3F&_nc_sid=5e03e0",
                "mediaKeyTimestamp": "1746312067",
                "contextInfo": {{(forwarded ? """{ "isForwarded": true, "forwardingScore": 1 }""" : "null")}}
              },
              "messageContextInfo": { "deviceListMetadataVersion": 2, "messageSecret": "MpDHT2fDpw0oBnOsyYJ1YGbIoEtdkcdI+vuOeZEEt94=" },
              "base64": "{{Convert.ToBase64String(audio)}}"
            }
            """, messageId, remoteJid, timestamp);

    /// <summary>A view-once photo (<c>imageMessage.viewOnce</c>) with its bytes in <c>message.base64</c> (the image-base64-v2 fixture's shape).</summary>
    public static byte[] ViewOnceImage(string messageId, byte[] jpeg, string remoteJid = "5511999990001@s.whatsapp.net", long timestamp = 1764000000) =>
        Upsert($$"""
            {
              "imageMessage": {
                "url": "https://mmg.whatsapp.net/o1/v/t24/f2/m234/AQOvgVhBHzgqVeZ5-u5ePCLdPWbBB2yPaGAzMyo6npuo?ccb=9-4&oh=01_Q5Aa1wHqoRfYUQdN&oe=6884ED8D&_nc_sid=e6ed6c&mms3=true",
                "mimetype": "image/jpeg",
                "fileLength": "{{jpeg.Length}}",
                "height": 886,
                "width": 677,
                "mediaKey": "/RNIBjCMka0N6LRTRHG0dvKSzn0p7G+L0QvDYoi7Uag=",
                "viewOnce": true
              },
              "messageContextInfo": { "deviceListMetadataVersion": 2 },
              "base64": "{{Convert.ToBase64String(jpeg)}}"
            }
            """, messageId, remoteJid, timestamp);

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
