using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using WireMock.Logging;
using WireMock.Server;

namespace Omni.Services.Tests.Support;

/// <summary>What the WireMock server received, read the way a provider would.</summary>
public static class Recorded
{
    public static IReadOnlyList<ILogEntry> Requests(this WireMockServer server, string path) =>
        [.. server.LogEntries.Where(e => e.RequestMessage!.Path == path)];

    public static ILogEntry OnlyRequest(this WireMockServer server, string path) => Assert.Single(server.Requests(path));

    public static string Method(this ILogEntry entry) => entry.RequestMessage!.Method;

    public static string? Header(this ILogEntry entry, string name) =>
        entry.RequestMessage!.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    public static byte[] BodyBytes(this ILogEntry entry) =>
        entry.RequestMessage!.BodyAsBytes ?? Encoding.UTF8.GetBytes(entry.RequestMessage.Body ?? "");

    public static JsonElement Json(this ILogEntry entry) => JsonDocument.Parse(entry.BodyBytes()).RootElement.Clone();

    /// <summary>The multipart/form-data fields of the request: name → (file name, content type, bytes).</summary>
    public static async Task<Dictionary<string, (string? FileName, string? ContentType, byte[] Bytes)>> FormAsync(this ILogEntry entry)
    {
        var contentType = MediaTypeHeaderValue.Parse(entry.Header("Content-Type"));
        Assert.Equal("multipart/form-data", contentType.MediaType.Value);
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value!;
        var reader = new MultipartReader(boundary, new MemoryStream(entry.BodyBytes()));
        var fields = new Dictionary<string, (string?, string?, byte[])>(StringComparer.Ordinal);
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            var disposition = ContentDispositionHeaderValue.Parse(section.ContentDisposition);
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer);
            fields[HeaderUtilities.RemoveQuotes(disposition.Name).Value!] =
                (HeaderUtilities.RemoveQuotes(disposition.FileName).Value, section.ContentType, buffer.ToArray());
        }

        return fields;
    }

    public static string Text(this (string? FileName, string? ContentType, byte[] Bytes) field) => Encoding.UTF8.GetString(field.Bytes);
}
