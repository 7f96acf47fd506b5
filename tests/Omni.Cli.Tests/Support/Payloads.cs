using System.Text.Json.Nodes;

namespace Omni.Cli.Tests.Support;

/// <summary>The repository's Evolution text message, written to a temporary file with a fresh message id and, optionally, the current time.</summary>
public static class Payloads
{
    public const string TextMessage = "messages-upsert-conversation-text-v2.json";

    public static string WriteTextMessage(string messageId, string text, DateTimeOffset? at = null)
    {
        var json = JsonNode.Parse(Fixtures.Read("evolution", TextMessage))!;
        json["data"]!["key"]!["id"] = messageId;
        json["data"]!["message"]!["conversation"] = text;
        if (at is { } time)
        {
            json["data"]!["messageTimestamp"] = time.ToUnixTimeSeconds();
        }

        return WriteTemp(json.ToJsonString(), ".json");
    }

    public static string WriteTemp(string content, string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), "omni-cli-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllText(path, content);
        return path;
    }
}
