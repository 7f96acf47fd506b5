using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Omni.Engine.Workflows;

/// <summary>
/// Maps a character offset in a YAML scalar's value back to the file's line and column, so an error inside a
/// condition points at the exact character. It walks the raw text of the scalar (from YamlDotNet's start mark)
/// alongside the parsed value, skipping quotes, escapes, block headers and folded line breaks.
/// </summary>
internal static class ScalarPositions
{
    public static Func<int, SourcePosition> For(string source, YamlScalarNode node)
    {
        var value = node.Value ?? string.Empty;
        var start = new SourcePosition((int)node.Start.Line, (int)node.Start.Column);
        var positions = new SourcePosition[value.Length + 1];
        var raw = (int)Math.Min(node.Start.Index, source.Length);
        var end = (int)Math.Min(Math.Max(node.End.Index, node.Start.Index), source.Length);
        var line = start.Line;
        var column = start.Column;

        void Advance()
        {
            if (source[raw] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }

            raw++;
        }

        switch (node.Style)
        {
            case ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted when raw < end:
                Advance();
                break;
            case ScalarStyle.Literal or ScalarStyle.Folded:
                while (raw < end && source[raw] != '\n')
                {
                    Advance();
                }

                break;
        }

        var mapped = 0;
        for (; mapped < value.Length; mapped++)
        {
            var target = value[mapped];
            while (raw < end && source[raw] != target && !(node.Style == ScalarStyle.DoubleQuoted && source[raw] == '\\'))
            {
                Advance();
            }

            if (raw >= end)
            {
                break;
            }

            positions[mapped] = new SourcePosition(line, column);
            if (node.Style == ScalarStyle.DoubleQuoted && source[raw] == '\\' && raw + 1 < end)
            {
                var length = source[raw + 1] switch
                {
                    'x' => 4,
                    'u' => 6,
                    'U' => 10,
                    '\n' => 1,
                    _ => 2,
                };
                for (var k = 0; k < length && raw < end; k++)
                {
                    Advance();
                }
            }
            else
            {
                Advance();
            }
        }

        if (mapped < value.Length)
        {
            // The walk lost track (an unusual escape or folding): fall back to the scalar's start for the rest.
            for (var k = mapped; k < value.Length; k++)
            {
                positions[k] = mapped == 0 ? start : positions[mapped - 1];
            }
        }

        positions[value.Length] = value.Length == 0
            ? start
            : positions[value.Length - 1] with { Column = positions[value.Length - 1].Column + 1 };
        return offset => positions[Math.Clamp(offset, 0, value.Length)];
    }
}
