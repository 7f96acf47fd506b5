using System.Globalization;
using System.Text.Json;

namespace Omni.Cli.Output;

/// <summary>
/// Workflow validation errors (<c>{code, message, line, column}</c>, 1-based) as a compiler prints them: the location
/// and message, then the source line and a caret under the column.
/// </summary>
public static class SourceErrors
{
    public static string Render(string fileName, string source, JsonElement errors)
    {
        var lines = source.ReplaceLineEndings("\n").Split('\n');
        var output = new List<string>();
        foreach (var error in errors.EnumerateArray())
        {
            var line = Number(error, "line");
            var column = Number(error, "column");
            var code = EventView.Field(error, "code");
            var message = EventView.Field(error, "message");
            output.Add(line > 0 ? $"{fileName}:{line}:{Math.Max(column, 1)}: error {code}: {message}" : $"{fileName}: error {code}: {message}");
            if (line > 0 && line <= lines.Length)
            {
                var gutter = line.ToString(CultureInfo.InvariantCulture);
                var text = lines[line - 1];
                output.Add($" {gutter} | {text}");
                // Tabs stay tabs so the caret lines up under them.
                var pad = new string([.. text.Take(Math.Max(column, 1) - 1).Select(c => c == '\t' ? '\t' : ' ')]);
                output.Add($" {new string(' ', gutter.Length)} | {pad}^");
            }
        }

        return string.Join('\n', output);
    }

    private static int Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.TryGetInt32(out var n) ? n : 0;
}
