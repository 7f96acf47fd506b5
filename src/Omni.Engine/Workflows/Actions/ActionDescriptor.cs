using System.Text.Json;

namespace Omni.Engine.Workflows.Actions;

/// <summary>
/// The action categories: the six that order steps (guard → transform → route/validate → persist → meta), and workflow
/// blocks, which only choose a path and take no position (see <see cref="ActionCategories.Position"/>).
/// </summary>
public enum ActionCategory
{
    Guard = 0,
    Transform = 1,
    Route = 2,
    Validate = 3,
    Persist = 4,
    Meta = 5,

    /// <summary><c>workflow.*</c>: control flow backed by an action (<c>workflow.smart_decision</c>), placed anywhere like an if step.</summary>
    Workflow = 6,
}

public static class ActionCategories
{
    /// <summary>The order rule as the validator states it.</summary>
    public static string OrderText { get; } =
        "guard → transform → route → validate → persist → meta (a validate step may also gate a later route step; workflow blocks may stand anywhere)";

    /// <summary>
    /// The category's place in the step order: a step may not run after a step with a higher position. Route and
    /// validate share one, so a validate step can check what one route step produced (an agent's answer) before another
    /// route step sends it. Workflow blocks have none: like if steps, they only choose which steps run.
    /// </summary>
    public static int? Position(ActionCategory category) => category switch
    {
        ActionCategory.Guard => 0,
        ActionCategory.Transform => 1,
        ActionCategory.Route or ActionCategory.Validate => 2,
        ActionCategory.Persist => 3,
        ActionCategory.Meta => 4,
        _ => null,
    };

    /// <summary>The category named by an action id's first segment (<c>route.reply</c> → Route).</summary>
    public static bool TryFromActionId(string actionId, out ActionCategory category)
    {
        ArgumentNullException.ThrowIfNull(actionId);
        var dot = actionId.IndexOf('.', StringComparison.Ordinal);
        var prefix = dot < 0 ? actionId : actionId[..dot];
        (var found, category) = prefix switch
        {
            "guard" => (true, ActionCategory.Guard),
            "transform" => (true, ActionCategory.Transform),
            "route" => (true, ActionCategory.Route),
            "validate" => (true, ActionCategory.Validate),
            "persist" => (true, ActionCategory.Persist),
            "meta" => (true, ActionCategory.Meta),
            "workflow" => (true, ActionCategory.Workflow),
            _ => (false, ActionCategory.Guard),
        };
        return found;
    }

    public static string Name(ActionCategory category) => category switch
    {
        ActionCategory.Guard => "guard",
        ActionCategory.Transform => "transform",
        ActionCategory.Route => "route",
        ActionCategory.Validate => "validate",
        ActionCategory.Persist => "persist",
        ActionCategory.Meta => "meta",
        _ => "workflow",
    };
}

/// <summary>The type of an action parameter (the <c>with:</c> values).</summary>
public enum ParameterType
{
    Text,
    WholeNumber,
    Number,
    Boolean,
    Duration,
    TextList,
    Choice,
}

public static class ParameterTypes
{
    /// <summary>The name used in docs and the registry API: string, int, number, bool, duration, string_list, enum.</summary>
    public static string Name(ParameterType type) => type switch
    {
        ParameterType.Text => "string",
        ParameterType.WholeNumber => "int",
        ParameterType.Number => "number",
        ParameterType.Boolean => "bool",
        ParameterType.Duration => "duration",
        ParameterType.TextList => "string_list",
        _ => "enum",
    };
}

/// <summary>
/// One parameter an action takes. String parameters may hold <c>{{ }}</c> templates, rendered per run.
/// Create them with the factory methods.
/// </summary>
public sealed record ParameterDescriptor
{
    public required string Name { get; init; }

    public required ParameterType Type { get; init; }

    public bool Required { get; init; }

    /// <summary>Filled in when the step does not give the parameter (JSON, so it serializes as-is).</summary>
    public JsonElement? Default { get; init; }

    public string Description { get; init; } = string.Empty;

    /// <summary>The allowed values of an enum parameter.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>Inclusive bounds of an int parameter.</summary>
    public long? Minimum { get; init; }

    public long? Maximum { get; init; }

    public static ParameterDescriptor Text(string name, string description, bool required = false, string? defaultValue = null) =>
        new() { Name = name, Type = ParameterType.Text, Required = required, Description = description, Default = Json(defaultValue) };

    public static ParameterDescriptor WholeNumber(string name, string description, bool required = false, long? defaultValue = null, long? minimum = null, long? maximum = null) =>
        new() { Name = name, Type = ParameterType.WholeNumber, Required = required, Description = description, Default = Json(defaultValue), Minimum = minimum, Maximum = maximum };

    public static ParameterDescriptor Number(string name, string description, bool required = false, double? defaultValue = null) =>
        new() { Name = name, Type = ParameterType.Number, Required = required, Description = description, Default = Json(defaultValue) };

    public static ParameterDescriptor Bool(string name, string description, bool required = false, bool? defaultValue = null) =>
        new() { Name = name, Type = ParameterType.Boolean, Required = required, Description = description, Default = Json(defaultValue) };

    public static ParameterDescriptor Duration(string name, string description, bool required = false, string? defaultValue = null) =>
        new() { Name = name, Type = ParameterType.Duration, Required = required, Description = description, Default = Json(defaultValue) };

    public static ParameterDescriptor TextList(string name, string description, bool required = false) =>
        new() { Name = name, Type = ParameterType.TextList, Required = required, Description = description };

    public static ParameterDescriptor Choice(string name, string description, IReadOnlyList<string> values, bool required = false, string? defaultValue = null) =>
        new() { Name = name, Type = ParameterType.Choice, Required = required, Description = description, Values = values, Default = Json(defaultValue) };

    private static JsonElement? Json<T>(T? value) => value is null ? null : JsonSerializer.SerializeToElement(value);
}

/// <summary>The type of one field of an action's output (what <c>steps.&lt;id&gt;.output.&lt;field&gt;</c> reads).</summary>
public enum OutputType
{
    Text,
    WholeNumber,
    Number,
    Boolean,
    TextList,

    /// <summary>A JSON object (a record) whose inner fields are not declared: any path below it is accepted.</summary>
    Record,

    /// <summary>A JSON array of objects; any path below it is accepted.</summary>
    List,
}

public static class OutputTypes
{
    /// <summary>The name used in docs and the registry API: string, int, number, bool, string_list, object, object_list.</summary>
    public static string Name(OutputType type) => type switch
    {
        OutputType.Text => "string",
        OutputType.WholeNumber => "int",
        OutputType.Number => "number",
        OutputType.Boolean => "bool",
        OutputType.TextList => "string_list",
        OutputType.Record => "object",
        _ => "object_list",
    };
}

/// <summary>
/// One top-level field of an action's output. The validator accepts <c>steps.&lt;id&gt;.output.&lt;name&gt;</c> only
/// for declared names; the registry renders the list as a JSON Schema.
/// </summary>
public sealed record OutputField(string Name, OutputType Type, string Description, bool Always = true);

/// <summary>
/// What the engine knows about an action: a pure descriptor. Hosts pair it with an executor; custom actions
/// register a descriptor without touching the engine.
/// </summary>
public sealed record ActionDescriptor
{
    /// <summary>The registry id, e.g. <c>route.reply</c>. Its first segment is the category.</summary>
    public required string Id { get; init; }

    public required string Description { get; init; }

    public IReadOnlyList<ParameterDescriptor> Parameters { get; init; } = [];

    /// <summary>The default fallback chain, tried in order; the providers a step may name. Empty: the action has no providers.</summary>
    public IReadOnlyList<string> Providers { get; init; } = [];

    /// <summary>True when running it changes the world (sends, forwards, notifies): the host must deduplicate by effect key.</summary>
    public bool IsSideEffect { get; init; }

    /// <summary>
    /// When set, the action is also addressable as <c>&lt;Id&gt;.&lt;label&gt;</c> (e.g. <c>guard.contact_override.vip</c>);
    /// the label is passed as this parameter.
    /// </summary>
    public string? LabelParameter { get; init; }

    /// <summary>
    /// The fields of the action's output, when the action declares them (guards: the verdict's fields). An empty list
    /// means the action produces no readable output.
    /// </summary>
    public IReadOnlyList<OutputField> Outputs { get; init; } = [];

    /// <summary>
    /// Checks across a step's parameters that their types cannot express (a fallback that must be one of the branches, a
    /// language code); the parser reports each problem as <c>invalid_parameter</c> at the parameter's value. Template
    /// values (<see cref="ParameterValue.Template"/> with expressions) are only known at run time and are the executor's to check.
    /// </summary>
    public Func<IReadOnlyList<ParameterValue>, IEnumerable<ParameterProblem>>? CheckParameters { get; init; }

    public ActionCategory Category => ActionCategories.TryFromActionId(Id, out var category)
        ? category
        : throw new InvalidOperationException($"action id '{Id}' does not start with a category");

    public ParameterDescriptor? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);
}

/// <summary>One problem <see cref="ActionDescriptor.CheckParameters"/> found: the parameter it is about and what is wrong.</summary>
public sealed record ParameterProblem(string Parameter, string Message);

public static class ParameterLiterals
{
    /// <summary>A parameter's value when it is a string without <c>{{ }}</c> expressions (known at validation time), else null.</summary>
    public static string? Text(ParameterValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Value.ValueKind == JsonValueKind.String && (value.Template is null || !value.Template.Expressions.Any())
            ? value.Value.GetString()
            : null;
    }
}
