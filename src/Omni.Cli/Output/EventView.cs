using System.Text.Json;
using Spectre.Console;

namespace Omni.Cli.Output;

/// <summary>How events look on a terminal: a table for lists, one line per event for <c>tail</c>, key/value rows for one event.</summary>
public static class EventView
{
    public static string Field(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() ?? "",
            JsonValueKind.Null or JsonValueKind.Undefined => "",
            _ => v.GetRawText(),
        } : "";

    /// <summary>The event's time as the API orders it: <c>occurred_at</c>, else <c>received_at</c>.</summary>
    public static string Time(JsonElement e) => Field(e, "occurred_at") is { Length: > 0 } t ? t : Field(e, "received_at");

    public static Table Table(IEnumerable<JsonElement> events)
    {
        var table = new Table().AddColumns("time", "event_id", "kind", "sender", "text");
        foreach (var e in events)
        {
            table.AddRow(Esc(Time(e)), Esc(Field(e, "event_id")), Esc(Kind(e)), Esc(Field(e, "sender_handle")), Esc(Preview(Field(e, "text"))));
        }

        return table;
    }

    /// <summary>One line for <c>events tail</c>: time, id, kind, sender and a preview of the text.</summary>
    public static string Line(JsonElement e) =>
        $"[grey]{Esc(Time(e))}[/] [bold]{Esc(Field(e, "event_id"))}[/] {Esc(Kind(e))} {Esc(Field(e, "sender_handle"))} {Esc(Preview(Field(e, "text")))}";

    /// <summary>The same line without markup, unwrapped, for output that is not a terminal (<c>omni events tail | grep …</c>).</summary>
    public static string PlainLine(JsonElement e) =>
        $"{Time(e)} {Field(e, "event_id")} {Kind(e)} {Field(e, "sender_handle")} {Preview(Field(e, "text"))}";

    /// <summary>Every top-level field of one event; objects and arrays as compact JSON.</summary>
    public static Table Details(JsonElement e)
    {
        var table = new Table().AddColumns("field", "value");
        foreach (var property in e.EnumerateObject())
        {
            table.AddRow(Esc(property.Name), Esc(Field(e, property.Name)));
        }

        return table;
    }

    private static string Kind(JsonElement e) =>
        Field(e, "content_type") is { Length: > 0 } content ? $"{Field(e, "event_kind")}/{content}" : Field(e, "event_kind");

    private static string Preview(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 60 ? line[..59] + "…" : line;
    }

    private static string Esc(string text) => Markup.Escape(text);
}
