using System.Globalization;
using Azure.Data.Tables;

namespace Omni.Services.Storage;

/// <summary>
/// A long text in one table entity, split over numbered columns (<c>History</c>, <c>History_1</c>, …): a string column
/// holds at most 64 KiB (32K UTF-16 chars), an entity 1 MiB. Used for a run's history and audit, which grow with
/// every step and carry action outputs (transcripts, agent answers).
/// </summary>
public static class TableText
{
    /// <summary>Characters per column, under the 32K limit.</summary>
    public const int ChunkChars = 30_000;

    /// <summary>Columns per text: 12 × 30,000 chars (720 KB as UTF-16), so a run row's texts together can still exceed the 1 MiB entity.</summary>
    public const int MaxChunks = 12;

    /// <summary>Sets <paramref name="name"/> (and its continuation columns) on <paramref name="row"/>, removing stale ones. Throws when the text cannot fit.</summary>
    public static void Write(TableEntity row, string name, string text)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(text);
        var chunks = (text.Length + ChunkChars - 1) / ChunkChars;
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException(
                $"{name} is {text.Length} characters, more than a table entity can hold ({MaxChunks * ChunkChars}); the run is too large to save.");
        }

        for (var i = 1; row.ContainsKey(Column(name, i)); i++)
        {
            row.Remove(Column(name, i));
        }

        row[name] = text.Length <= ChunkChars ? text : text[..ChunkChars];
        for (var i = 1; i < chunks; i++)
        {
            var start = i * ChunkChars;
            row[Column(name, i)] = text.Substring(start, Math.Min(ChunkChars, text.Length - start));
        }
    }

    /// <summary>The text written by <see cref="Write"/> (a plain single column reads as itself), or null when absent.</summary>
    public static string? Read(TableEntity row, string name)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.GetString(name) is not { } first)
        {
            return null;
        }

        if (!row.ContainsKey(Column(name, 1)))
        {
            return first;
        }

        var text = new System.Text.StringBuilder(first);
        for (var i = 1; row.GetString(Column(name, i)) is { } next; i++)
        {
            text.Append(next);
        }

        return text.ToString();
    }

    private static string Column(string name, int index) => name + "_" + index.ToString(CultureInfo.InvariantCulture);
}
