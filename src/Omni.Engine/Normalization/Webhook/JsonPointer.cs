using System.Text.Json;

namespace Omni.Engine.Normalization.Webhook;

/// <summary>
/// JSON Pointer (RFC 6901): <c>""</c> is the whole document, <c>/a/b/0</c> walks object members and array indexes,
/// <c>~1</c> stands for <c>/</c> and <c>~0</c> for <c>~</c> in a member name. Pure.
/// </summary>
public static class JsonPointer
{
    /// <summary>Why <paramref name="path"/> is not a JSON Pointer, or null when it is one.</summary>
    public static string? Problem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length > 0 && path[0] != '/')
        {
            return $"'{path}' is not a JSON Pointer: it must be empty or start with '/' (e.g. /data/from)";
        }

        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '~' && (i + 1 >= path.Length || path[i + 1] is not ('0' or '1')))
            {
                return $"'{path}' is not a JSON Pointer: '~' must be followed by 0 or 1 (~0 is '~', ~1 is '/')";
            }
        }

        return null;
    }

    /// <summary>The value <paramref name="path"/> names in <paramref name="document"/>, or null when it names nothing (or null).</summary>
    public static JsonElement? Evaluate(JsonElement document, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Problem(path) is not null)
        {
            return null;
        }

        var current = document;
        if (path.Length == 0)
        {
            return current;
        }

        foreach (var raw in path[1..].Split('/'))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            switch (current.ValueKind)
            {
                case JsonValueKind.Object when current.TryGetProperty(token, out var member):
                    current = member;
                    break;
                case JsonValueKind.Array when token.Length > 0 && token.All(char.IsAsciiDigit) && (token == "0" || token[0] != '0')
                                              && int.TryParse(token, out var index) && index < current.GetArrayLength():
                    current = current[index];
                    break;
                default:
                    return null;
            }
        }

        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }
}
