namespace Omni.Engine.Workflows.Expressions;

/// <summary>A node of a parsed condition. <see cref="Offset"/> is the character offset in the expression text.</summary>
public abstract record ExpressionNode(int Offset);

/// <summary>A string, number (double), boolean or null literal.</summary>
public sealed record LiteralNode(object? Value, int Offset) : ExpressionNode(Offset);

/// <summary>A bare name: an event field, <c>steps</c>, <c>output</c> or <c>replied</c>.</summary>
public sealed record NameNode(string Name, int Offset) : ExpressionNode(Offset);

/// <summary><c>target.member</c>; the offset is the member's.</summary>
public sealed record MemberNode(ExpressionNode Target, string Member, int Offset) : ExpressionNode(Offset);

/// <summary><c>target[index]</c>.</summary>
public sealed record IndexNode(ExpressionNode Target, ExpressionNode Index, int Offset) : ExpressionNode(Offset);

/// <summary><c>!operand</c>.</summary>
public sealed record NotNode(ExpressionNode Operand, int Offset) : ExpressionNode(Offset);

public sealed record BinaryNode(BinaryOperator Operator, ExpressionNode Left, ExpressionNode Right, int Offset) : ExpressionNode(Offset);

/// <summary><c>[a, b, c]</c>.</summary>
public sealed record ListNode(IReadOnlyList<ExpressionNode> Items, int Offset) : ExpressionNode(Offset);

/// <summary><c>name(args)</c>; the language has one function, <c>list('name')</c>.</summary>
public sealed record CallNode(string Function, IReadOnlyList<ExpressionNode> Arguments, int Offset) : ExpressionNode(Offset);

public enum BinaryOperator
{
    Or,
    And,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    In,
    Contains,
    StartsWith,
    EndsWith,
    Matches,
}

/// <summary>A syntax error (while parsing) or an evaluation error (while running), at an offset in the expression.</summary>
public sealed class ExpressionException : Exception
{
    public ExpressionException()
    {
    }

    public ExpressionException(string message)
        : base(message)
    {
    }

    public ExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ExpressionException(string message, int offset)
        : base(message)
    {
        Offset = offset;
    }

    public int Offset { get; }
}
