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
}
