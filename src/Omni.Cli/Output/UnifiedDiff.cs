namespace Omni.Cli.Output;

/// <summary>
/// A unified diff (<c>---</c>/<c>+++</c>, <c>@@ -a,b +c,d @@</c> hunks with three lines of context) of two texts, line
/// by line, from their longest common subsequence. Workflows are at most 32 KiB, so the quadratic table is small.
/// </summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    /// <summary>The diff, or an empty string when the texts have the same lines.</summary>
    public static string Compute(string oldText, string newText, string oldName, string newName)
    {
        var a = Lines(oldText);
        var b = Lines(newText);
        var ops = Script(a, b);
        if (ops.All(o => o.Kind == ' '))
        {
            return "";
        }

        var output = new List<string> { $"--- {oldName}", $"+++ {newName}" };
        var i = 0;
        while (i < ops.Count)
        {
            var change = ops.FindIndex(i, o => o.Kind != ' ');
            if (change < 0)
            {
                break;
            }

            var start = Math.Max(i, change - Context);
            var end = change;
            // Extend the hunk while the next change is within two contexts.
            while (true)
            {
                var last = end;
                while (last < ops.Count && ops[last].Kind != ' ')
                {
                    last++;
                }

                var next = ops.FindIndex(last, o => o.Kind != ' ');
                if (next >= 0 && next - last <= 2 * Context)
                {
                    end = next;
                    continue;
                }

                end = Math.Min(ops.Count, last + Context);
                break;
            }

            var hunk = ops.GetRange(start, end - start);
            var oldStart = hunk.FirstOrDefault(o => o.Kind != '+').OldLine;
            var newStart = hunk.FirstOrDefault(o => o.Kind != '-').NewLine;
            var oldCount = hunk.Count(o => o.Kind != '+');
            var newCount = hunk.Count(o => o.Kind != '-');
            output.Add($"@@ -{Range(ops, start, oldStart, oldCount, old: true)} +{Range(ops, start, newStart, newCount, old: false)} @@");
            output.AddRange(hunk.Select(o => o.Kind + o.Text));
            i = end;
        }

        return string.Join('\n', output);
    }

    private static string Range(List<Op> ops, int start, int first, int count, bool old)
    {
        if (count == 0)
        {
            // An empty range names the line before it.
            var before = ops.Take(start).Count(o => old ? o.Kind != '+' : o.Kind != '-');
            return $"{before},0";
        }

        return count == 1 ? $"{first}" : $"{first},{count}";
    }

    private static string[] Lines(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        return lines.Length > 0 && lines[^1].Length == 0 ? lines[..^1] : lines;
    }

    /// <summary>The edit script: every line of both texts, kept (' '), removed ('-') or added ('+'), with its line numbers.</summary>
    private static List<Op> Script(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var x = a.Length - 1; x >= 0; x--)
        {
            for (var y = b.Length - 1; y >= 0; y--)
            {
                lcs[x, y] = a[x] == b[y] ? lcs[x + 1, y + 1] + 1 : Math.Max(lcs[x + 1, y], lcs[x, y + 1]);
            }
        }

        var ops = new List<Op>();
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            if (i < a.Length && j < b.Length && a[i] == b[j])
            {
                ops.Add(new Op(' ', a[i], ++i, ++j));
            }
            else if (i < a.Length && (j == b.Length || lcs[i + 1, j] >= lcs[i, j + 1]))
            {
                ops.Add(new Op('-', a[i], ++i, j));
            }
            else
            {
                ops.Add(new Op('+', b[j], i, ++j));
            }
        }

        return ops;
    }

    private readonly record struct Op(char Kind, string Text, int OldLine, int NewLine);
}
