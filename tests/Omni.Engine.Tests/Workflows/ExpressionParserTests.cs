using Omni.Engine.Workflows.Expressions;

namespace Omni.Engine.Tests.Workflows;

/// <summary>
/// The condition parser's exact error texts and offsets, its nesting limit for every construct that nests, and the
/// tokenizer at the end of the source (a trailing '-', '.', '\' or quote).
/// </summary>
public class ExpressionParserTests
{
    private const string ValueExpected = "expected a value (a name, a string, a number, true, false, null, '(' or '[') but found ";
    private const string EndExpected = "expected '&&', '||' or the end of the expression but found ";

    [Theory]
    [InlineData("a == b == c", 7, EndExpected + "'==' (comparisons do not chain: use '&&')")]
    [InlineData("a < b != c", 6, EndExpected + "'!=' (comparisons do not chain: use '&&')")]
    [InlineData("a == b matches 'c'", 7, EndExpected + "'matches' (comparisons do not chain: use '&&')")]
    [InlineData("(a) )", 4, EndExpected + "')'")]
    [InlineData("a 'x'", 2, EndExpected + "the string 'x'")]
    [InlineData("a 12.5", 2, EndExpected + "the number 12.5")]
    [InlineData("a and b", 2, EndExpected + "the name 'and' (use '&&')")]
    [InlineData("a or b", 2, EndExpected + "the name 'or' (use '||')")]
    [InlineData("a not b", 2, EndExpected + "the name 'not' (use '!')")]
    [InlineData("a foo", 2, EndExpected + "the name 'foo'")]
    [InlineData("a ==", 4, ValueExpected + "the end of the expression")]
    [InlineData("a == )", 5, ValueExpected + "')'")]
    [InlineData("a[1", 3, "expected ']' but found the end of the expression")]
    [InlineData("a[1)", 3, "expected ']' but found ')'")]
    [InlineData("f(1", 3, "expected ',' or ')' but found the end of the expression")]
    [InlineData("f(1]", 3, "expected ',' or ')' but found ']'")]
    [InlineData("(a", 2, "expected ')' but found the end of the expression")]
    [InlineData("[1 2]", 3, "expected ',' or ']' but found the number 2")]
    [InlineData("a.1", 2, "expected a name after '.' but found the number 1")]
    [InlineData("", 0, "expected an expression but found nothing")]
    [InlineData("   ", 0, "expected an expression but found nothing")]
    [InlineData("a # b", 2, "unexpected character '#'")]
    [InlineData("a = b", 2, "unexpected character '='; did you mean '=='?")]
    [InlineData("a & b", 2, "unexpected character '&'; did you mean '&&'?")]
    [InlineData("a | b", 2, "unexpected character '|'; did you mean '||'?")]
    [InlineData("a |", 2, "unexpected character '|'; did you mean '||'?")]
    [InlineData("x == -", 5, "unexpected character '-'")]
    [InlineData("x == - 1", 5, "unexpected character '-'")]
    [InlineData("x == 1.", 7, "expected a name after '.' but found the end of the expression")]
    [InlineData("'open", 0, "expected a closing ' for the string that starts here")]
    [InlineData("x == \"open", 5, "expected a closing \" for the string that starts here")]
    [InlineData("'ends in a backslash\\", 0, "expected a closing ' for the string that starts here")]
    [InlineData("'escaped quote\\'", 0, "expected a closing ' for the string that starts here")]
    public void Parse_SyntaxError_ExactMessageAndOffset(string source, int offset, string message)
    {
        var error = Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(source));
        Assert.Equal(message, error.Message);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullNamingTheSource()
    {
        var error = Assert.Throws<ArgumentNullException>(() => ExpressionParser.Parse(null!));
        Assert.Equal("source", error.ParamName);
    }

    [Theory]
    [InlineData("-3", -3.0)]
    [InlineData("-1.5", -1.5)]
    [InlineData("12.25", 12.25)]
    [InlineData("007", 7.0)]
    public void Parse_NumberLiteral_Value(string source, double expected)
    {
        var literal = Assert.IsType<LiteralNode>(ExpressionParser.Parse(source));
        Assert.Equal(expected, literal.Value);
        Assert.Equal(0, literal.Offset);
    }

    [Fact]
    public void Parse_NegativeNumberAfterOperator_IsOneLiteral()
    {
        var node = Assert.IsType<BinaryNode>(ExpressionParser.Parse("x == -1.5"));
        Assert.Equal(BinaryOperator.Equal, node.Operator);
        Assert.Equal(new LiteralNode(-1.5, 5), node.Right);
    }

    [Fact]
    public void Parse_NumberThenDotThenName_IsMemberOfTheNumber()
    {
        var member = Assert.IsType<MemberNode>(ExpressionParser.Parse("1.a"));
        Assert.Equal("a", member.Member);
        Assert.Equal(new LiteralNode(1.0, 0), member.Target);
    }

    [Theory]
    [InlineData(@"'a\nb'", "a\nb")]
    [InlineData(@"'a\tb'", "a\tb")]
    [InlineData(@"'a\rb'", "a\rb")]
    [InlineData(@"'a\\b'", @"a\b")]
    [InlineData(@"'a\'b'", "a'b")]
    [InlineData(@"'a\""b'", "a\"b")]
    [InlineData(@"""a\""b""", "a\"b")]
    [InlineData(@"""a'b""", "a'b")]
    [InlineData(@"'\s+\d'", @"\s+\d")]
    [InlineData("''", "")]
    public void Parse_StringEscapes_Value(string source, string expected)
    {
        var literal = Assert.IsType<LiteralNode>(ExpressionParser.Parse(source));
        Assert.Equal(expected, literal.Value);
    }

    public static TheoryData<string, string, string, int> Nestings => new()
    {
        // construct, opening text, closing text, length of one opening
        { "not", "!", string.Empty, 1 },
        { "parentheses", "(", ")", 1 },
        { "list", "[", "]", 1 },
        { "call", "f(", ")", 2 },
        { "index", "a[", "]", 2 },
    };

    private static string Nest(string open, string close, int depth) =>
        string.Concat(Enumerable.Repeat(open, depth)) + "x" + string.Concat(Enumerable.Repeat(close, depth));

    [Theory]
    [MemberData(nameof(Nestings))]
    public void Parse_Nesting64Deep_Parses(string construct, string open, string close, int openLength)
    {
        _ = construct;
        _ = openLength;
        _ = ExpressionParser.Parse(Nest(open, close, 64));
    }

    [Theory]
    [MemberData(nameof(Nestings))]
    public void Parse_Nesting65Deep_RejectedAtThe65thOpening(string construct, string open, string close, int openLength)
    {
        _ = construct;
        var error = Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(Nest(open, close, 65)));
        Assert.Equal("the expression nests deeper than 64 levels", error.Message);
        Assert.Equal((64 * openLength) + openLength - 1, error.Offset);
    }

    [Theory]
    [MemberData(nameof(Nestings))]
    public void Parse_ManySiblingsOneLevelDeep_DepthIsReleasedAfterEach(string construct, string open, string close, int openLength)
    {
        _ = construct;
        _ = openLength;
        var one = Nest(open, close, 1);
        _ = ExpressionParser.Parse(string.Join(" && ", Enumerable.Repeat(one, 100)));
    }

    [Fact]
    public void Parse_ManySiblingsInsideOneNesting_DepthIsReleasedAfterEach()
    {
        var siblings = string.Join(" || ", Enumerable.Repeat("!(a[0] == [f(1)])", 40));
        _ = ExpressionParser.Parse(Nest("(", ")", 60) + " && (" + siblings + ")");
    }
}
