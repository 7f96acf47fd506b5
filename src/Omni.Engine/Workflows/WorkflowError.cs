namespace Omni.Engine.Workflows;

/// <summary>A place in a workflow's YAML source: 1-based line and column.</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    public static SourcePosition Start { get; } = new(1, 1);

    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>One problem found while loading a workflow. Loading reports all of them, never just the first.</summary>
public sealed record WorkflowError(string Code, string Message, int Line, int Column)
{
    public WorkflowError(string code, string message, SourcePosition position)
        : this(code, message, position.Line, position.Column)
    {
    }

    public SourcePosition Position => new(Line, Column);

    public override string ToString() => $"{Line}:{Column} {Code}: {Message}";
}

/// <summary>The error codes of workflow validation (see docs/workflows.md, "Validation").</summary>
public static class WorkflowErrorCodes
{
    public const string YamlSyntax = "yaml_syntax";
    public const string UnknownKey = "unknown_key";
    public const string MissingKey = "missing_key";
    public const string InvalidValue = "invalid_value";
    public const string InvalidStep = "invalid_step";
    public const string DuplicateStepId = "duplicate_step_id";
    public const string UnknownAction = "unknown_action";
    public const string UnknownParameter = "unknown_parameter";
    public const string MissingParameter = "missing_parameter";
    public const string InvalidParameter = "invalid_parameter";
    public const string UnknownProvider = "unknown_provider";
    public const string InvalidDuration = "invalid_duration";
    public const string DurationOutOfRange = "duration_out_of_range";
    public const string ConditionSyntax = "condition_syntax";
    public const string TemplateSyntax = "template_syntax";
    public const string UnknownName = "unknown_name";
    public const string UnknownStep = "unknown_step";

    /// <summary>A read of <c>steps.&lt;id&gt;.output.&lt;field&gt;</c> (or <c>output.&lt;field&gt;</c> in a check) that the step's action does not declare.</summary>
    public const string UnknownOutputField = "unknown_output_field";
    public const string UnknownList = "unknown_list";
    public const string InvalidRegex = "invalid_regex";
    public const string UseBeforeDefinition = "use_before_definition";
    public const string OutOfOrder = "out_of_order";
    public const string UnreachableStep = "unreachable_step";
    public const string Cycle = "cycle";
    public const string InvalidJump = "invalid_jump";
}
