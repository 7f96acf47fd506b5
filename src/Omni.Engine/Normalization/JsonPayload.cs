using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Omni.Engine.Normalization;

/// <summary>
/// Parses a webhook body as JSON for a normalizer, or says precisely why it cannot be, so the quarantine reason tells
/// an operator what is wrong: not UTF-8 (with the offset of the first bad byte), nested deeper than
/// <see cref="MaxDepth"/> (with the depth), or a syntax error (with line and byte position). Pure.
/// </summary>
public static class JsonPayload
{
    /// <summary>The deepest nesting accepted (System.Text.Json's default); real provider payloads stay far below it.</summary>
    public const int MaxDepth = 64;

    /// <summary>Reason prefixes (the catalogue classifies quarantined payloads by them).</summary>
    public const string NotUtf8 = "body is not valid UTF-8";
    public const string TooDeep = "body nests JSON";
    public const string NotJson = "body is not valid JSON";

    /// <summary>The parsed document, or null and the reason.</summary>
    public static (JsonDocument? Document, string? Problem) Parse(ReadOnlyMemory<byte> body)
    {
        if (InvalidUtf8At(body.Span) is { } offset)
        {
            return (null, $"{NotUtf8}: byte 0x{body.Span[offset]:X2} at offset {offset} does not start a valid UTF-8 sequence");
        }

        try
        {
            return (JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth }), null);
        }
        catch (JsonException e)
        {
            return (null, Classify(body.Span, e));
        }
    }

    /// <summary>The body without a leading UTF-8 byte order mark.</summary>
    public static ReadOnlyMemory<byte> WithoutByteOrderMark(ReadOnlyMemory<byte> body) =>
        body.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? body[3..] : body;

    /// <summary>True when the body is empty or only JSON white space.</summary>
    public static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A JSON value kind in words, for quarantine reasons ("array", "string", ...).</summary>
    public static string Describe(JsonValueKind kind) =>
        kind switch
        {
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Null => "null",
            _ => kind.ToString().ToLowerInvariant(),
        };

    /// <summary>The offset of the first byte that is not part of a valid UTF-8 sequence, or null when all of it is valid.</summary>
    public static int? InvalidUtf8At(ReadOnlySpan<byte> body)
    {
        if (Utf8.IsValid(body))
        {
            return null;
        }

        var offset = 0;
        while (offset < body.Length)
        {
            if (Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return null;
    }

    /// <summary>The deepest nesting of <paramref name="body"/> up to where it stops being JSON (objects and arrays count).</summary>
    public static int DepthOf(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = int.MaxValue / 2 });
        var deepest = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    deepest = Math.Max(deepest, reader.CurrentDepth + 1);
                }
            }
        }
        catch (JsonException)
        {
            // The syntax error is reported separately; the depth seen so far is what counts here.
        }

        return deepest;
    }

    private static string Classify(ReadOnlySpan<byte> body, JsonException error)
    {
        var depth = DepthOf(body);
        if (depth > MaxDepth)
        {
            return $"{TooDeep} {depth} levels deep; the limit is {MaxDepth}";
        }

        var where = error.LineNumber is { } line ? $" (line {line + 1}, byte {error.BytePositionInLine + 1} of the line)" : "";
        return $"{NotJson}: {FirstSentence(error.Message)}{where}";
    }

    /// <summary>System.Text.Json's message up to its own position suffix ("... LineNumber: 0 | BytePositionInLine: 5.").</summary>
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }
}
