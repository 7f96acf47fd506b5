using System.Globalization;
using System.Text;

namespace Omni.Engine.Workflows.Expressions;

/// <summary>
/// Tokenizer and recursive-descent parser of the condition language (grammar in docs/workflows.md):
/// <code>
/// expression = or ;
/// or         = and { "||" and } ;
/// and        = comparison { "&amp;&amp;" comparison } ;
/// comparison = unary [ ( "==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "in" | "contains" | "starts_with" | "ends_with" | "matches" ) unary ] ;
/// unary      = "!" unary | postfix ;
/// postfix    = primary { "." name | "[" expression "]" } ;
/// primary    = string | number | "true" | "false" | "null" | name [ "(" [ expression { "," expression } ] ")" ]
///            | "(" expression ")" | "[" [ expression { "," expression } ] "]" ;
/// </code>
/// </summary>
public sealed class ExpressionParser
{
    private const int MaxDepth = 64;

    private readonly List<Token> _tokens;
    private int _position;
    private int _depth;

    private ExpressionParser(string source)
    {
        _tokens = Tokenize(source);
    }

    /// <summary>Parses an expression; throws <see cref="ExpressionException"/> with the offset of the first error.</summary>
    public static ExpressionNode Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var parser = new ExpressionParser(source);
        if (parser.Peek.Kind == TokenKind.End)
        {
            throw new ExpressionException("expected an expression but found nothing", 0);
        }

        var node = parser.ParseOr();
        var next = parser.Peek;
        if (next.Kind != TokenKind.End)
        {
            var hint = next.Kind == TokenKind.Identifier ? WordHint(next.Text) : next.Kind is >= TokenKind.EqualEqual and <= TokenKind.Matches
                ? " (comparisons do not chain: use '&&')"
                : string.Empty;
            throw new ExpressionException($"expected '&&', '||' or the end of the expression but found {Describe(next)}{hint}", next.Offset);
        }

        return node;
    }

    private Token Peek => _tokens[_position];

    private Token Take() => _tokens[_position++];

    private ExpressionNode ParseOr()
    {
        var left = ParseAnd();
        while (Peek.Kind == TokenKind.OrOr)
        {
            var op = Take();
            left = new BinaryNode(BinaryOperator.Or, left, ParseAnd(), op.Offset);
        }

        return left;
    }

    private ExpressionNode ParseAnd()
    {
        var left = ParseComparison();
        while (Peek.Kind == TokenKind.AndAnd)
        {
            var op = Take();
            left = new BinaryNode(BinaryOperator.And, left, ParseComparison(), op.Offset);
        }

        return left;
    }

    private ExpressionNode ParseComparison()
    {
        var left = ParseUnary();
        BinaryOperator? op = Peek.Kind switch
        {
            TokenKind.EqualEqual => BinaryOperator.Equal,
            TokenKind.NotEqual => BinaryOperator.NotEqual,
            TokenKind.Less => BinaryOperator.Less,
            TokenKind.LessEqual => BinaryOperator.LessOrEqual,
            TokenKind.Greater => BinaryOperator.Greater,
            TokenKind.GreaterEqual => BinaryOperator.GreaterOrEqual,
            TokenKind.In => BinaryOperator.In,
            TokenKind.Contains => BinaryOperator.Contains,
            TokenKind.StartsWith => BinaryOperator.StartsWith,
            TokenKind.EndsWith => BinaryOperator.EndsWith,
            TokenKind.Matches => BinaryOperator.Matches,
            _ => null,
        };
        if (op is null)
        {
            return left;
        }

        var token = Take();
        return new BinaryNode(op.Value, left, ParseUnary(), token.Offset);
    }

    private ExpressionNode ParseUnary()
    {
        if (Peek.Kind == TokenKind.Bang)
        {
            var bang = Take();
            Enter(bang);
            var operand = ParseUnary();
            _depth--;
            return new NotNode(operand, bang.Offset);
        }

        return ParsePostfix();
    }

    private ExpressionNode ParsePostfix()
    {
        var node = ParsePrimary();
        while (true)
        {
            if (Peek.Kind == TokenKind.Dot)
            {
                Take();
                var name = Peek;
                if (name.Kind is not (TokenKind.Identifier or TokenKind.True or TokenKind.False or TokenKind.Null or TokenKind.In
                    or TokenKind.Contains or TokenKind.StartsWith or TokenKind.EndsWith or TokenKind.Matches))
                {
                    throw new ExpressionException($"expected a name after '.' but found {Describe(name)}", name.Offset);
                }

                Take();
                node = new MemberNode(node, name.Text, name.Offset);
            }
            else if (Peek.Kind == TokenKind.LBracket)
            {
                var open = Take();
                Enter(open);
                var index = ParseOr();
                _depth--;
                Expect(TokenKind.RBracket, "']'");
                node = new IndexNode(node, index, open.Offset);
            }
            else
            {
                return node;
            }
        }
    }

    private ExpressionNode ParsePrimary()
    {
        var token = Peek;
        switch (token.Kind)
        {
            case TokenKind.String:
            case TokenKind.Number:
                Take();
                return new LiteralNode(token.Value, token.Offset);
            case TokenKind.True:
                Take();
                return new LiteralNode(true, token.Offset);
            case TokenKind.False:
                Take();
                return new LiteralNode(false, token.Offset);
            case TokenKind.Null:
                Take();
                return new LiteralNode(null, token.Offset);
            case TokenKind.Identifier:
                Take();
                if (Peek.Kind == TokenKind.LParen)
                {
                    var open = Take();
                    Enter(open);
                    var arguments = ParseItems(TokenKind.RParen, "')'");
                    _depth--;
                    return new CallNode(token.Text, arguments, token.Offset);
                }

                return new NameNode(token.Text, token.Offset);
            case TokenKind.LParen:
            {
                Take();
                Enter(token);
                var inner = ParseOr();
                _depth--;
                Expect(TokenKind.RParen, "')'");
                return inner;
            }

            case TokenKind.LBracket:
            {
                Take();
                Enter(token);
                var items = ParseItems(TokenKind.RBracket, "']'");
                _depth--;
                return new ListNode(items, token.Offset);
            }

            default:
                throw new ExpressionException(
                    $"expected a value (a name, a string, a number, true, false, null, '(' or '[') but found {Describe(token)}", token.Offset);
        }
    }

    private List<ExpressionNode> ParseItems(TokenKind close, string closeText)
    {
        var items = new List<ExpressionNode>();
        if (Peek.Kind == close)
        {
            Take();
            return items;
        }

        while (true)
        {
            items.Add(ParseOr());
            if (Peek.Kind == TokenKind.Comma)
            {
                Take();
                continue;
            }

            Expect(close, $"',' or {closeText}");
            return items;
        }
    }

    private void Expect(TokenKind kind, string what)
    {
        var token = Peek;
        if (token.Kind != kind)
        {
            throw new ExpressionException($"expected {what} but found {Describe(token)}", token.Offset);
        }

        Take();
    }

    private void Enter(Token token)
    {
        if (++_depth > MaxDepth)
        {
            throw new ExpressionException($"the expression nests deeper than {MaxDepth} levels", token.Offset);
        }
    }

    private static string WordHint(string word) => word switch
    {
        "and" => " (use '&&')",
        "or" => " (use '||')",
        "not" => " (use '!')",
        _ => string.Empty,
    };

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end of the expression",
        TokenKind.String => $"the string {token.Text}",
        TokenKind.Number => $"the number {token.Text}",
        TokenKind.Identifier => $"the name '{token.Text}'",
        _ => $"'{token.Text}'",
    };

    private static List<Token> Tokenize(string source)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (c is '\'' or '"')
            {
                tokens.Add(ReadString(source, ref i));
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < source.Length && char.IsAsciiDigit(source[i + 1])))
            {
                i++;
                while (i < source.Length && char.IsAsciiDigit(source[i]))
                {
                    i++;
                }

                if (i + 1 < source.Length && source[i] == '.' && char.IsAsciiDigit(source[i + 1]))
                {
                    i++;
                    while (i < source.Length && char.IsAsciiDigit(source[i]))
                    {
                        i++;
                    }
                }

                var text = source[start..i];
                tokens.Add(new Token(TokenKind.Number, text, start, double.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)));
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                // Stryker disable once Statement : equivalent, the loop below accepts the first character (a letter or '_') too
                i++;
                while (i < source.Length && (char.IsAsciiLetterOrDigit(source[i]) || source[i] is '_' or '-'))
                {
                    i++;
                }

                var word = source[start..i];
                var kind = word switch
                {
                    "true" => TokenKind.True,
                    "false" => TokenKind.False,
                    "null" => TokenKind.Null,
                    "in" => TokenKind.In,
                    "contains" => TokenKind.Contains,
                    "starts_with" => TokenKind.StartsWith,
                    "ends_with" => TokenKind.EndsWith,
                    "matches" => TokenKind.Matches,
                    _ => TokenKind.Identifier,
                };
                tokens.Add(new Token(kind, word, start, null));
                continue;
            }

            // Stryker disable once String : equivalent, any text that is not one of the pairs below means "no pair"
            var two = i + 1 < source.Length ? source.Substring(i, 2) : string.Empty;
            TokenKind? pair = two switch
            {
                "==" => TokenKind.EqualEqual,
                "!=" => TokenKind.NotEqual,
                "<=" => TokenKind.LessEqual,
                ">=" => TokenKind.GreaterEqual,
                "&&" => TokenKind.AndAnd,
                "||" => TokenKind.OrOr,
                _ => null,
            };
            if (pair is not null)
            {
                tokens.Add(new Token(pair.Value, two, start, null));
                i += 2;
                continue;
            }

            TokenKind? single = c switch
            {
                '<' => TokenKind.Less,
                '>' => TokenKind.Greater,
                '!' => TokenKind.Bang,
                '(' => TokenKind.LParen,
                ')' => TokenKind.RParen,
                '[' => TokenKind.LBracket,
                ']' => TokenKind.RBracket,
                '.' => TokenKind.Dot,
                ',' => TokenKind.Comma,
                _ => null,
            };
            if (single is null)
            {
                var hint = c switch
                {
                    '=' => "; did you mean '=='?",
                    '&' => "; did you mean '&&'?",
                    '|' => "; did you mean '||'?",
                    _ => string.Empty,
                };
                throw new ExpressionException($"unexpected character '{c}'{hint}", start);
            }

            tokens.Add(new Token(single.Value, c.ToString(), start, null));
            i++;
        }

        // Stryker disable once String : equivalent, the end token's text is never shown (Describe names it "the end of the expression")
        tokens.Add(new Token(TokenKind.End, string.Empty, source.Length, null));
        return tokens;
    }

    private static Token ReadString(string source, ref int i)
    {
        var start = i;
        var quote = source[i++];
        var value = new StringBuilder();
        while (i < source.Length)
        {
            var c = source[i];
            if (c == quote)
            {
                i++;
                return new Token(TokenKind.String, source[start..i], start, value.ToString());
            }

            if (c == '\\')
            {
                if (i + 1 >= source.Length)
                {
                    break;
                }

                // \\ \' \" \n \t \r are escapes; any other backslash stays as written, so regexes read naturally ('\s+').
                var escaped = source[i + 1];
                switch (escaped)
                {
                    case 'n':
                        value.Append('\n');
                        break;
                    case 't':
                        value.Append('\t');
                        break;
                    case 'r':
                        value.Append('\r');
                        break;
                    case '\\' or '\'' or '"':
                        value.Append(escaped);
                        break;
                    default:
                        value.Append('\\').Append(escaped);
                        break;
                }

                i += 2;
                continue;
            }

            value.Append(c);
            i++;
        }

        throw new ExpressionException($"expected a closing {quote} for the string that starts here", start);
    }

    private enum TokenKind
    {
        Identifier,
        String,
        Number,
        True,
        False,
        Null,
        EqualEqual,
        NotEqual,
        Less,
        LessEqual,
        Greater,
        GreaterEqual,
        In,
        Contains,
        StartsWith,
        EndsWith,
        Matches,
        AndAnd,
        OrOr,
        Bang,
        LParen,
        RParen,
        LBracket,
        RBracket,
        Dot,
        Comma,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Offset, object? Value);
}
