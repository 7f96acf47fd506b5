using Omni.Engine.Workflows.Expressions;

namespace Omni.Engine.Workflows;

/// <summary>A parsed condition together with where each of its characters sits in the YAML file.</summary>
public sealed class WorkflowExpression
{
    private readonly Func<int, SourcePosition> _locate;

    internal WorkflowExpression(string source, ExpressionNode root, Func<int, SourcePosition> locate)
    {
        Source = source;
        Root = root;
        _locate = locate;
    }

    public string Source { get; }

    public ExpressionNode Root { get; }

    /// <summary>True when the expression reads the top-level name <paramref name="name"/> (e.g. <c>conversation</c>, <c>we_replied</c>).</summary>
    public bool Reads(string name) => Reads(Root, name);

    private static bool Reads(ExpressionNode node, string name) => node switch
    {
        NameNode n => n.Name == name,
        MemberNode m => Reads(m.Target, name),
        IndexNode i => Reads(i.Target, name) || Reads(i.Index, name),
        NotNode n => Reads(n.Operand, name),
        BinaryNode b => Reads(b.Left, name) || Reads(b.Right, name),
        ListNode l => l.Items.Any(item => Reads(item, name)),
        CallNode c => c.Arguments.Any(argument => Reads(argument, name)),
        _ => false,
    };

    /// <summary>Stands in for a condition that did not parse (its error is already reported), so validation can go on.</summary>
    internal bool IsPlaceholder { get; private init; }

    internal static WorkflowExpression Placeholder(SourcePosition position) =>
        new(string.Empty, new LiteralNode(true, 0), _ => position) { IsPlaceholder = true };

    /// <summary>Where the expression starts in the file.</summary>
    public SourcePosition Position => PositionOf(0);

    /// <summary>The file position of a character offset within <see cref="Source"/>.</summary>
    public SourcePosition PositionOf(int offset) => _locate(offset);

    /// <summary>Parses a stand-alone expression (positions are line 1, column offset + 1); throws <see cref="ExpressionException"/>.</summary>
    public static WorkflowExpression Parse(string source) =>
        new(source, ExpressionParser.Parse(source), offset => new SourcePosition(1, offset + 1));

    public bool Evaluate(IExpressionContext context) => ExpressionEvaluator.EvaluateCondition(Root, context);

    public override string ToString() => Source;
}

/// <summary>One piece of a template: literal text or an embedded <c>{{ expression }}</c>.</summary>
public sealed record TemplatePart(string? Text, WorkflowExpression? Expression);

/// <summary>A string parameter with <c>{{ expression }}</c> placeholders, rendered when the interpreter emits a call.</summary>
public sealed class Template
{
    private Template(string source, IReadOnlyList<TemplatePart> parts)
    {
        Source = source;
        Parts = parts;
    }

    public string Source { get; }

    public IReadOnlyList<TemplatePart> Parts { get; }

    public bool HasPlaceholders => Parts.Any(part => part.Expression is not null);

    public IEnumerable<WorkflowExpression> Expressions => Parts.Where(p => p.Expression is not null).Select(p => p.Expression!);

    /// <summary>Parses a stand-alone template; throws <see cref="ExpressionException"/> on the first error.</summary>
    public static Template Parse(string source)
    {
        var errors = new List<WorkflowError>();
        var template = Parse(source, offset => new SourcePosition(1, offset + 1), errors);
        return errors.Count == 0 && template is not null
            ? template
            : throw new ExpressionException(errors[0].Message, errors[0].Column - 1);
    }

    internal static Template? Parse(string source, Func<int, SourcePosition> locate, ICollection<WorkflowError> errors)
    {
        var parts = new List<TemplatePart>();
        var i = 0;
        var ok = true;
        while (i < source.Length)
        {
            var open = source.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add(new TemplatePart(source[i..], null));
                break;
            }

            if (open > i)
            {
                parts.Add(new TemplatePart(source[i..open], null));
            }

            var close = source.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                errors.Add(new WorkflowError(WorkflowErrorCodes.TemplateSyntax, "expected '}}' to close the '{{' that starts here", locate(open)));
                return null;
            }

            var start = open + 2;
            var inner = source[start..close];
            try
            {
                var root = ExpressionParser.Parse(inner);
                parts.Add(new TemplatePart(null, new WorkflowExpression(inner, root, offset => locate(start + offset))));
            }
            catch (ExpressionException e)
            {
                errors.Add(new WorkflowError(WorkflowErrorCodes.TemplateSyntax, $"in template placeholder: {e.Message}", locate(start + e.Offset)));
                ok = false;
            }

            i = close + 2;
        }

        return ok ? new Template(source, parts) : null;
    }

    public string Render(IExpressionContext context) => string.Concat(Parts.Select(part =>
        part.Expression is null ? part.Text : ExpressionEvaluator.ToText(ExpressionEvaluator.Evaluate(part.Expression.Root, context))));

    public override string ToString() => Source;
}
