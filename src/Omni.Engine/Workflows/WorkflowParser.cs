using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Omni.Engine.Events;
using Omni.Engine.Workflows.Actions;
using Omni.Engine.Workflows.Expressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Omni.Engine.Workflows;

/// <summary>The outcome of loading a workflow: a definition when there are no errors, else every error found.</summary>
public sealed record WorkflowLoadResult(WorkflowDefinition? Definition, IReadOnlyList<WorkflowError> Errors)
{
    public bool IsValid => Definition is not null;

    /// <summary>
    /// The definition as far as it could be read, also when it has errors (steps that could not be read are left out);
    /// null only when the text is not a YAML mapping. For checks a host adds (actions without an executor) so that one
    /// answer reports every error; never run it.
    /// </summary>
    public WorkflowDefinition? Parsed { get; init; }
}

/// <summary>
/// Loads a workflow from YAML and validates it completely before anything runs: syntax, keys, types, actions and
/// their parameters, durations, conditions and templates, step references, step order, jumps (cycles,
/// unreachable steps). Pure: text in, definition or errors out.
/// </summary>
public sealed partial class WorkflowParser
{
    public static readonly TimeSpan MinRetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinAfter = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxAfter = TimeSpan.FromDays(30);
    public static readonly TimeSpan MinWaitTimeout = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxWaitTimeout = TimeSpan.FromDays(30);
    public const int MaxRetryAttempts = 10;

    private static readonly string[] StepKinds = ["action", "if", "stop"];
    private static readonly string[] TopKeys = ["id", "version", "scope", "description", "precedence", "trigger", "lists", "steps"];
    private static readonly string[] TriggerKeys = ["event_kinds", "content_types", "when"];
    private static readonly string[] ActionStepKeys = ["id", "when", "next", "action", "with", "retry", "providers", "check", "after", "unless", "wait_for", "continue_on_error"];
    private static readonly string[] BranchStepKeys = ["id", "next", "if", "then", "else"];
    private static readonly string[] StopStepKeys = ["id", "when", "stop", "stop_lower"];
    private static readonly string[] RetryKeys = ["max_attempts", "first_delay", "backoff", "max_delay"];
    private static readonly string[] WaitKeys = ["event", "timeout"];

    private readonly string _source;
    private readonly ActionRegistry _registry;
    private readonly List<WorkflowError> _errors = [];
    private readonly Dictionary<string, SourcePosition> _stepIds = new(StringComparer.Ordinal);

    private WorkflowParser(string source, ActionRegistry registry)
    {
        _source = source;
        _registry = registry;
    }

    /// <summary>Parses and validates; the result carries the definition or all errors (sorted by position).</summary>
    public static WorkflowLoadResult Parse(string yaml, ActionRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(registry);
        var parser = new WorkflowParser(yaml.Replace("\r\n", "\n", StringComparison.Ordinal), registry);
        var definition = parser.ParseDocument();
        if (definition is not null)
        {
            parser._errors.AddRange(WorkflowValidator.Validate(definition));
        }

        var errors = parser._errors
            .Distinct()
            .OrderBy(e => e.Line).ThenBy(e => e.Column).ThenBy(e => e.Code, StringComparer.Ordinal)
            .ToList();
        return new WorkflowLoadResult(errors.Count == 0 ? definition : null, errors) { Parsed = definition };
    }

    private WorkflowDefinition? ParseDocument()
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(_source));
        }
        catch (YamlException e)
        {
            var message = e.InnerException is YamlException inner ? inner.Message : e.Message;
            Error(WorkflowErrorCodes.YamlSyntax, $"YAML syntax error: {message}", new SourcePosition((int)e.Start.Line, (int)e.Start.Column));
            return null;
        }
        catch (InvalidOperationException e)
        {
            Error(WorkflowErrorCodes.YamlSyntax, $"YAML syntax error: {e.Message}", SourcePosition.Start);
            return null;
        }

        if (stream.Documents.Count != 1)
        {
            Error(WorkflowErrorCodes.YamlSyntax, stream.Documents.Count == 0 ? "the file is empty: expected a workflow mapping" : "expected one YAML document per workflow file", SourcePosition.Start);
            return null;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(WorkflowErrorCodes.InvalidValue, "expected a mapping with id, version, trigger and steps", Pos(stream.Documents[0].RootNode));
            return null;
        }

        var keys = Keys(root, TopKeys, "workflow");
        var id = string.Empty;
        if (Require(keys, "id", root) is { } idNode && Text(idNode, "id") is { } idText)
        {
            if (WorkflowIdPattern().IsMatch(idText))
            {
                id = idText;
            }
            else
            {
                Error(WorkflowErrorCodes.InvalidValue, $"workflow id '{idText}' must be lower-case letters, digits and '-' (at most 64), starting with a letter or digit", Pos(idNode));
            }
        }

        var version = 0;
        if (Require(keys, "version", root) is { } versionNode)
        {
            if (Resolve(versionNode) is (ScalarKind.Integer, var text) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= 1)
            {
                version = v;
            }
            else
            {
                Error(WorkflowErrorCodes.InvalidValue, "version must be a positive integer", Pos(versionNode));
            }
        }

        var scope = WorkflowDefinition.AnyInstance;
        if (keys.TryGetValue("scope", out var scopeNode) && Text(scopeNode, "scope") is { } scopeText)
        {
            if (scopeText == WorkflowDefinition.AnyInstance || EventKey.IsValidInstanceName(scopeText))
            {
                scope = scopeText;
            }
            else
            {
                Error(WorkflowErrorCodes.InvalidValue, $"scope must be an instance name or \"*\" (every instance), not '{scopeText}'", Pos(scopeNode));
            }
        }

        string? description = null;
        if (keys.TryGetValue("description", out var descriptionNode))
        {
            description = Text(descriptionNode, "description");
        }

        var precedence = 0;
        if (keys.TryGetValue("precedence", out var precedenceNode))
        {
            if (Resolve(precedenceNode) is (ScalarKind.Integer, var text) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p)
                && p is >= WorkflowDefinition.MinPrecedence and <= WorkflowDefinition.MaxPrecedence)
            {
                precedence = p;
            }
            else
            {
                Error(WorkflowErrorCodes.InvalidValue,
                    $"precedence must be an integer from {WorkflowDefinition.MinPrecedence} to {WorkflowDefinition.MaxPrecedence} (higher runs first)", Pos(precedenceNode));
            }
        }

        var lists = keys.TryGetValue("lists", out var listsNode) ? ParseLists(listsNode) : new Dictionary<string, IReadOnlyList<string>>();
        var trigger = Require(keys, "trigger", root) is { } triggerNode ? ParseTrigger(triggerNode) : new WorkflowTrigger();

        List<WorkflowStep> steps = [];
        if (Require(keys, "steps", root) is { } stepsNode)
        {
            steps = ParseSteps(stepsNode, "steps");
            if (steps.Count == 0 && stepsNode is YamlSequenceNode)
            {
                Error(WorkflowErrorCodes.InvalidValue, "steps must list at least one step", Pos(stepsNode));
            }
        }

        return new WorkflowDefinition
        {
            Id = id,
            Version = version,
            Scope = scope,
            Description = description,
            Precedence = precedence,
            Trigger = trigger,
            Lists = lists,
            Steps = steps,
        };
    }

    private Dictionary<string, IReadOnlyList<string>> ParseLists(YamlNode node)
    {
        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (node is not YamlMappingNode mapping)
        {
            Error(WorkflowErrorCodes.InvalidValue, "lists must be a mapping of list name to a list of handles", Pos(node));
            return lists;
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (!NamePattern().IsMatch(name))
            {
                Error(WorkflowErrorCodes.InvalidValue, $"list name '{name}' must be lower-case letters, digits, '_' and '-'", Pos(keyNode));
                continue;
            }

            lists[name] = StringList(valueNode, $"list '{name}'") ?? [];
        }

        return lists;
    }

    /// <summary>A <c>true</c>/<c>false</c> key's value; anything else is an error (and false).</summary>
    private bool Bool(YamlNode node, string what)
    {
        if (Resolve(node) is (ScalarKind.Boolean, var flag))
        {
            return string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase);
        }

        Error(WorkflowErrorCodes.InvalidValue, $"{what} must be true or false", Pos(node));
        return false;
    }

    private WorkflowTrigger ParseTrigger(YamlNode node)
    {
        if (node is not YamlMappingNode mapping)
        {
            Error(WorkflowErrorCodes.InvalidValue, "trigger must be a mapping with event_kinds, content_types and/or when", Pos(node));
            return new WorkflowTrigger();
        }

        var keys = Keys(mapping, TriggerKeys, "trigger");
        return new WorkflowTrigger
        {
            EventKinds = keys.TryGetValue("event_kinds", out var kinds) ? KnownValues(kinds, "event kind", EventKinds.All) : [],
            ContentTypes = keys.TryGetValue("content_types", out var types) ? KnownValues(types, "content type", ContentTypes.All) : [],
            When = keys.TryGetValue("when", out var when) ? Condition(when, "trigger condition") : null,
        };
    }

    private List<string> KnownValues(YamlNode node, string what, IReadOnlyList<string> known)
    {
        var values = StringList(node, $"{what}s") ?? [];
        if (node is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.Children.OfType<YamlScalarNode>())
            {
                if (item.Value is { } value && !known.Contains(value))
                {
                    Error(WorkflowErrorCodes.InvalidValue, $"unknown {what} '{value}'; expected one of: {string.Join(", ", known)}", Pos(item));
                }
            }
        }

        return values;
    }

    private List<WorkflowStep> ParseSteps(YamlNode node, string what)
    {
        var steps = new List<WorkflowStep>();
        if (node is not YamlSequenceNode sequence)
        {
            Error(WorkflowErrorCodes.InvalidValue, $"{what} must be a list of steps", Pos(node));
            return steps;
        }

        foreach (var item in sequence.Children)
        {
            if (ParseStep(item) is { } step)
            {
                steps.Add(step);
            }
        }

        return steps;
    }

    private WorkflowStep? ParseStep(YamlNode node)
    {
        if (node is not YamlMappingNode mapping)
        {
            Error(WorkflowErrorCodes.InvalidStep, "a step must be a mapping with an id and one of 'action', 'if' or 'stop'", Pos(node));
            return null;
        }

        var present = mapping.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value).ToHashSet(StringComparer.Ordinal);
        var kinds = StepKinds.Where(present.Contains).ToList();
        if (kinds.Count != 1)
        {
            Error(WorkflowErrorCodes.InvalidStep,
                kinds.Count == 0
                    ? "a step needs one of 'action' (call an action), 'if' (branch) or 'stop' (end the run)"
                    : $"a step has exactly one of 'action', 'if' or 'stop', not {string.Join(" and ", kinds.Select(k => $"'{k}'"))}",
                Pos(node));
            return null;
        }

        var kind = kinds[0];
        var allowed = kind switch { "action" => ActionStepKeys, "if" => BranchStepKeys, _ => StopStepKeys };
        var keys = Keys(mapping, allowed, kind == "action" ? "an action step" : kind == "if" ? "an if step" : "a stop step");

        var id = string.Empty;
        var idPosition = Pos(node);
        if (Require(keys, "id", mapping) is { } idNode && Text(idNode, "step id") is { } idText)
        {
            idPosition = Pos(idNode);
            if (!StepIdPattern().IsMatch(idText))
            {
                Error(WorkflowErrorCodes.InvalidValue, $"step id '{idText}' must start with a lower-case letter and use only lower-case letters, digits, '_' and '-'", idPosition);
            }
            else if (_stepIds.TryGetValue(idText, out var first))
            {
                Error(WorkflowErrorCodes.DuplicateStepId, $"step id '{idText}' is already used by the step at line {first.Line}", idPosition);
            }
            else
            {
                _stepIds[idText] = idPosition;
            }

            id = idText;
        }

        var when = keys.TryGetValue("when", out var whenNode) ? Condition(whenNode, $"'when' of step '{id}'") : null;
        string? next = null;
        var nextPosition = idPosition;
        if (keys.TryGetValue("next", out var nextNode))
        {
            next = Text(nextNode, "next");
            nextPosition = Pos(nextNode);
        }

        switch (kind)
        {
            case "if":
            {
                var condition = Condition(keys["if"], $"'if' of step '{id}'");
                var then = Require(keys, "then", mapping) is { } thenNode ? ParseSteps(thenNode, "then") : [];
                var otherwise = keys.TryGetValue("else", out var elseNode) ? ParseSteps(elseNode, "else") : [];
                return new BranchStep
                {
                    Id = id, Position = idPosition, Next = next, NextPosition = nextPosition,
                    If = condition ?? WorkflowExpression.Placeholder(Pos(keys["if"])), Then = then, Else = otherwise,
                };
            }

            case "stop":
            {
                var reason = Text(keys["stop"], "stop reason");
                var stopsLower = keys.TryGetValue("stop_lower", out var lowerNode) && Bool(lowerNode, "stop_lower");
                return new StopStep
                {
                    Id = id, Position = idPosition, When = when, Reason = string.IsNullOrWhiteSpace(reason) ? "stopped" : reason, StopsLower = stopsLower,
                };
            }

            default:
                return ParseActionStep(keys, id, idPosition, when, next, nextPosition);
        }
    }

    private ActionStep ParseActionStep(
        Dictionary<string, YamlNode> keys, string id, SourcePosition idPosition, WorkflowExpression? when, string? next, SourcePosition nextPosition)
    {
        var actionNode = keys["action"];
        var actionId = Text(actionNode, "action") ?? string.Empty;
        var resolved = _registry.Resolve(actionId);
        if (resolved is null && actionId.Length > 0)
        {
            var message = ActionCategories.TryFromActionId(actionId, out var category)
                ? $"unknown action '{actionId}'; known {ActionCategories.Name(category)} actions: {string.Join(", ", _registry.Actions.Where(a => a.Category == category).Select(a => a.LabelParameter is null ? a.Id : $"{a.Id}.<{a.LabelParameter}>"))}"
                : $"unknown action '{actionId}': an action id starts with its category (guard, transform, route, validate, persist, meta, workflow)";
            Error(WorkflowErrorCodes.UnknownAction, message, Pos(actionNode));
        }

        var with = resolved is null ? [] : ParseParameters(resolved, keys.GetValueOrDefault("with"), Pos(actionNode), id);

        var retry = keys.TryGetValue("retry", out var retryNode) ? ParseRetry(retryNode) : RetryPolicy.Default;

        IReadOnlyList<string> providers = resolved?.Descriptor.Providers ?? [];
        if (keys.TryGetValue("providers", out var providersNode) && StringList(providersNode, "providers") is { } named)
        {
            providers = named;
            CheckProviders(resolved, providersNode, named);
        }

        TimeSpan? after = null;
        if (keys.TryGetValue("after", out var afterNode))
        {
            after = Duration(afterNode, "after", MinAfter, MaxAfter);
        }

        WorkflowExpression? unless = null;
        if (keys.TryGetValue("unless", out var unlessNode))
        {
            unless = Condition(unlessNode, $"'unless' of step '{id}'");
            if (after is null && !keys.ContainsKey("after"))
            {
                Error(WorkflowErrorCodes.InvalidStep, "'unless' belongs to a follow-up: give the step an 'after' delay too", Pos(unlessNode));
            }
        }

        var continueOnError = keys.TryGetValue("continue_on_error", out var continueNode) && Bool(continueNode, "continue_on_error");

        return new ActionStep
        {
            Id = id,
            Position = idPosition,
            When = when,
            Next = next,
            NextPosition = nextPosition,
            Action = actionId,
            ActionPosition = Pos(actionNode),
            Resolved = resolved,
            With = with,
            Retry = retry,
            Providers = providers,
            Check = keys.TryGetValue("check", out var checkNode) ? Condition(checkNode, $"'check' of step '{id}'") : null,
            After = after,
            Unless = unless,
            WaitFor = keys.TryGetValue("wait_for", out var waitNode) ? ParseWait(waitNode) : null,
            ContinueOnError = continueOnError,
        };
    }

    private void CheckProviders(ResolvedAction? resolved, YamlNode node, List<string> named)
    {
        if (resolved is null)
        {
            return;
        }

        var known = resolved.Descriptor.Providers;
        if (known.Count == 0)
        {
            Error(WorkflowErrorCodes.InvalidValue, $"action '{resolved.Descriptor.Id}' does not use providers", Pos(node));
            return;
        }

        if (named.Count == 0)
        {
            Error(WorkflowErrorCodes.InvalidValue, "providers must name at least one provider", Pos(node));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in ((YamlSequenceNode)node).Children.OfType<YamlScalarNode>())
        {
            var name = item.Value ?? string.Empty;
            if (!known.Contains(name))
            {
                Error(WorkflowErrorCodes.UnknownProvider, $"unknown provider '{name}' for action '{resolved.Descriptor.Id}'; known providers: {string.Join(", ", known)}", Pos(item));
            }
            else if (!seen.Add(name))
            {
                Error(WorkflowErrorCodes.InvalidValue, $"provider '{name}' is listed twice", Pos(item));
            }
        }
    }

    private List<ParameterValue> ParseParameters(ResolvedAction resolved, YamlNode? withNode, SourcePosition actionPosition, string stepId)
    {
        var descriptor = resolved.Descriptor;
        var values = new List<ParameterValue>();
        var given = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (withNode is not null)
        {
            if (withNode is YamlMappingNode mapping)
            {
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
                    if (descriptor.Parameter(name) is null)
                    {
                        Error(WorkflowErrorCodes.UnknownParameter,
                            $"action '{descriptor.Id}' has no parameter '{name}'; it takes: {string.Join(", ", descriptor.Parameters.Select(p => p.Name))}", Pos(keyNode));
                    }
                    else if (name == descriptor.LabelParameter && resolved.Label is not null)
                    {
                        Error(WorkflowErrorCodes.InvalidParameter, $"'{name}' is already given by the action id '{descriptor.Id}.{resolved.Label}'", Pos(keyNode));
                    }
                    else
                    {
                        given[name] = valueNode;
                    }
                }
            }
            else if (!(withNode is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or null }))
            {
                Error(WorkflowErrorCodes.InvalidValue, "with must be a mapping of parameter name to value", Pos(withNode));
                return values;
            }
        }

        foreach (var parameter in descriptor.Parameters)
        {
            if (given.TryGetValue(parameter.Name, out var node))
            {
                if (ParameterValueOf(parameter, node, descriptor.Id) is { } value)
                {
                    values.Add(value);
                }
            }
            else if (parameter.Name == descriptor.LabelParameter && resolved.Label is not null)
            {
                values.Add(new ParameterValue(parameter.Name, JsonSerializer.SerializeToElement(resolved.Label), null, actionPosition));
            }
            else if (parameter.Required)
            {
                var hint = parameter.Name == descriptor.LabelParameter ? $" (or use the id form {descriptor.Id}.<{parameter.Name}>)" : string.Empty;
                Error(WorkflowErrorCodes.MissingParameter,
                    $"step '{stepId}': action '{descriptor.Id}' needs parameter '{parameter.Name}' ({ParameterTypes.Name(parameter.Type)}){hint}",
                    withNode is null ? actionPosition : Pos(withNode));
            }
        }

        foreach (var problem in descriptor.CheckParameters?.Invoke(values) ?? [])
        {
            var at = values.FirstOrDefault(v => v.Name == problem.Parameter)?.Position ?? (withNode is null ? actionPosition : Pos(withNode));
            Error(WorkflowErrorCodes.InvalidParameter, $"step '{stepId}': {problem.Message}", at);
        }

        return values;
    }

    private ParameterValue? ParameterValueOf(ParameterDescriptor parameter, YamlNode node, string actionId)
    {
        var position = Pos(node);
        string Expected(string what) => $"parameter '{parameter.Name}' of '{actionId}' must be {what}";

        if (parameter.Type == ParameterType.TextList)
        {
            if (node is not YamlSequenceNode || StringList(node, $"parameter '{parameter.Name}'", WorkflowErrorCodes.InvalidParameter) is not { } list)
            {
                if (node is not YamlSequenceNode)
                {
                    Error(WorkflowErrorCodes.InvalidParameter, Expected("a list of strings"), position);
                }

                return null;
            }

            return new ParameterValue(parameter.Name, JsonSerializer.SerializeToElement(list), null, position);
        }

        if (node is not YamlScalarNode scalar)
        {
            Error(WorkflowErrorCodes.InvalidParameter, Expected(TypeText(parameter)), position);
            return null;
        }

        var (kind, text) = Resolve(scalar);
        switch (parameter.Type)
        {
            case ParameterType.Text when kind == ScalarKind.Text:
            {
                var template = Template.Parse(text, ScalarPositions.For(_source, scalar), _errors);
                return template is null ? null : new ParameterValue(parameter.Name, JsonSerializer.SerializeToElement(text), template, position);
            }

            case ParameterType.WholeNumber when kind == ScalarKind.Integer && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number):
                if ((parameter.Minimum is { } min && number < min) || (parameter.Maximum is { } max && number > max))
                {
                    Error(WorkflowErrorCodes.InvalidParameter, Expected($"between {parameter.Minimum} and {parameter.Maximum}, not {number}"), position);
                    return null;
                }

                return new ParameterValue(parameter.Name, JsonSerializer.SerializeToElement(number), null, position);
            case ParameterType.Number when kind is ScalarKind.Integer or ScalarKind.Float:
                return new ParameterValue(parameter.Name, JsonSerializer.SerializeToElement(double.Parse(text, CultureInfo.InvariantCulture)), null, position);
            case ParameterType.Boolean when kind == ScalarKind.Boolean:
                return new ParameterValue(parameter.Name, JsonSerializer.SerializeToElement(string.Equals(text, "true", StringComparison.OrdinalIgnoreCase)), null, position);
            case ParameterType.Duration when kind == ScalarKind.Text:
                if (!WorkflowDuration.TryParse(text, out var duration) || duration <= TimeSpan.Zero)
                {
                    Error(WorkflowErrorCodes.InvalidDuration, $"parameter '{parameter.Name}': '{text}' is not a duration (e.g. 30s, 5m, 24h, 1h30m, 7d)", position);
                    return null;
                }

                return new ParameterValue(parameter.Name, JsonSerializer.SerializeToElement(text), null, position);
            case ParameterType.Choice when kind == ScalarKind.Text:
                if (!parameter.Values.Contains(text))
                {
                    Error(WorkflowErrorCodes.InvalidParameter, Expected($"one of {string.Join(", ", parameter.Values)}, not '{text}'"), position);
                    return null;
                }

                return new ParameterValue(parameter.Name, JsonSerializer.SerializeToElement(text), null, position);
            default:
                Error(WorkflowErrorCodes.InvalidParameter, Expected($"{TypeText(parameter)}, not {KindText(kind, text)}"), position);
                return null;
        }
    }

    private static string TypeText(ParameterDescriptor parameter) => parameter.Type switch
    {
        ParameterType.Text => "a string",
        ParameterType.WholeNumber => "an integer",
        ParameterType.Number => "a number",
        ParameterType.Boolean => "true or false",
        ParameterType.Duration => "a duration (e.g. 30s, 5m, 24h)",
        ParameterType.TextList => "a list of strings",
        _ => $"one of {string.Join(", ", parameter.Values)}",
    };

    private static string KindText(ScalarKind kind, string text) => kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Boolean => $"the boolean {text}",
        ScalarKind.Integer or ScalarKind.Float => $"the number {text}",
        _ => $"the string '{text}'",
    };

    private RetryPolicy ParseRetry(YamlNode node)
    {
        var defaults = RetryPolicy.Default;
        if (node is not YamlMappingNode mapping)
        {
            Error(WorkflowErrorCodes.InvalidValue, "retry must be a mapping with max_attempts, first_delay, backoff, max_delay", Pos(node));
            return defaults;
        }

        var keys = Keys(mapping, RetryKeys, "retry");
        var attempts = defaults.MaxAttempts;
        if (keys.TryGetValue("max_attempts", out var attemptsNode))
        {
            if (Resolve(attemptsNode) is (ScalarKind.Integer, var text) && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxRetryAttempts)
            {
                attempts = n;
            }
            else
            {
                Error(WorkflowErrorCodes.InvalidValue, $"max_attempts must be an integer from 1 to {MaxRetryAttempts}", Pos(attemptsNode));
            }
        }

        var backoff = defaults.Backoff;
        if (keys.TryGetValue("backoff", out var backoffNode))
        {
            if (Resolve(backoffNode) is (ScalarKind.Integer or ScalarKind.Float, var text) && double.TryParse(text, CultureInfo.InvariantCulture, out var b) && b is >= 1.0 and <= 10.0)
            {
                backoff = b;
            }
            else
            {
                Error(WorkflowErrorCodes.InvalidValue, "backoff must be a number from 1.0 to 10.0 (the factor between delays)", Pos(backoffNode));
            }
        }

        var first = keys.TryGetValue("first_delay", out var firstNode) ? Duration(firstNode, "first_delay", MinRetryDelay, MaxRetryDelay) ?? defaults.FirstDelay : defaults.FirstDelay;
        var max = keys.TryGetValue("max_delay", out var maxNode) ? Duration(maxNode, "max_delay", MinRetryDelay, MaxRetryDelay) ?? defaults.MaxDelay : defaults.MaxDelay;
        if (max < first)
        {
            if (maxNode is not null)
            {
                Error(WorkflowErrorCodes.DurationOutOfRange, $"max_delay ({WorkflowDuration.Format(max)}) is shorter than first_delay ({WorkflowDuration.Format(first)})", Pos(maxNode));
            }
            else
            {
                max = first;
            }
        }

        return new RetryPolicy(attempts, first, backoff, max);
    }

    private WaitFor? ParseWait(YamlNode node)
    {
        if (node is not YamlMappingNode mapping)
        {
            Error(WorkflowErrorCodes.InvalidValue, "wait_for must be a mapping with event and timeout", Pos(node));
            return null;
        }

        var keys = Keys(mapping, WaitKeys, "wait_for");
        var name = Require(keys, "event", mapping) is { } eventNode ? Text(eventNode, "event") : null;
        if (name is not null && !NamePattern().IsMatch(name))
        {
            Error(WorkflowErrorCodes.InvalidValue, $"event name '{name}' must be lower-case letters, digits, '_' and '-'", Pos(keys["event"]));
            name = null;
        }

        var timeout = Require(keys, "timeout", mapping) is { } timeoutNode ? Duration(timeoutNode, "timeout", MinWaitTimeout, MaxWaitTimeout) : null;
        return name is not null && timeout is not null ? new WaitFor(name, timeout.Value) : null;
    }

    private TimeSpan? Duration(YamlNode node, string what, TimeSpan min, TimeSpan max)
    {
        var text = Text(node, what);
        if (text is null)
        {
            return null;
        }

        if (!WorkflowDuration.TryParse(text, out var value))
        {
            Error(WorkflowErrorCodes.InvalidDuration, $"{what}: '{text}' is not a duration (e.g. 30s, 5m, 24h, 1h30m, 7d)", Pos(node));
            return null;
        }

        if (value < min || value > max)
        {
            Error(WorkflowErrorCodes.DurationOutOfRange,
                $"{what} must be between {WorkflowDuration.Format(min)} and {WorkflowDuration.Format(max)}, not {text}", Pos(node));
            return null;
        }

        return value;
    }

    private WorkflowExpression? Condition(YamlNode node, string what)
    {
        if (node is not YamlScalarNode scalar)
        {
            Error(WorkflowErrorCodes.ConditionSyntax, $"{what} must be a condition written as a string", Pos(node));
            return null;
        }

        var text = scalar.Value ?? string.Empty;
        var locate = ScalarPositions.For(_source, scalar);
        try
        {
            return new WorkflowExpression(text, ExpressionParser.Parse(text), locate);
        }
        catch (ExpressionException e)
        {
            Error(WorkflowErrorCodes.ConditionSyntax, $"{what}: {e.Message}", locate(e.Offset));
            return null;
        }
    }

    private List<string>? StringList(YamlNode node, string what, string code = WorkflowErrorCodes.InvalidValue)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Error(code, $"{what} must be a list of strings, e.g. [a, b]", Pos(node));
            return null;
        }

        var values = new List<string>();
        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode scalar && Resolve(scalar) is (ScalarKind.Text, var text))
            {
                values.Add(text);
            }
            else
            {
                Error(code, $"{what}: every item must be a string", Pos(item));
            }
        }

        return values;
    }

    private string? Text(YamlNode node, string what)
    {
        if (node is YamlScalarNode scalar && Resolve(scalar) is (not ScalarKind.Null, var text))
        {
            return text;
        }

        Error(WorkflowErrorCodes.InvalidValue, $"{what} must be a single value", Pos(node));
        return null;
    }

    private Dictionary<string, YamlNode> Keys(YamlMappingNode mapping, string[] allowed, string where)
    {
        var keys = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (allowed.Contains(key))
            {
                keys[key] = valueNode;
            }
            else
            {
                var hint = where.Contains("step", StringComparison.Ordinal) && ActionStepKeys.Concat(BranchStepKeys).Concat(StopStepKeys).Contains(key)
                    ? $"'{key}' is not allowed on {where}"
                    : $"unknown key '{key}' in {where}";
                Error(WorkflowErrorCodes.UnknownKey, $"{hint}; expected one of: {string.Join(", ", allowed)}", Pos(keyNode));
            }
        }

        return keys;
    }

    private YamlNode? Require(Dictionary<string, YamlNode> keys, string key, YamlNode owner)
    {
        if (keys.TryGetValue(key, out var node))
        {
            return node;
        }

        Error(WorkflowErrorCodes.MissingKey, $"missing required key '{key}'", Pos(owner));
        return null;
    }

    private void Error(string code, string message, SourcePosition position) => _errors.Add(new WorkflowError(code, message, position));

    private static SourcePosition Pos(YamlNode node) => new((int)node.Start.Line, (int)node.Start.Column);

    private enum ScalarKind
    {
        Null,
        Boolean,
        Integer,
        Float,
        Text,
    }

    /// <summary>YAML 1.2 core-schema resolution of a scalar: plain scalars may be null, bool, int or float; quoted ones are strings.</summary>
    private static (ScalarKind Kind, string Text) Resolve(YamlNode node)
    {
        if (node is not YamlScalarNode scalar)
        {
            return (ScalarKind.Null, string.Empty);
        }

        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return (ScalarKind.Text, text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => (ScalarKind.Null, text),
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => (ScalarKind.Boolean, text),
            _ when IntegerPattern().IsMatch(text) => (ScalarKind.Integer, text),
            _ when FloatPattern().IsMatch(text) => (ScalarKind.Float, text),
            _ => (ScalarKind.Text, text),
        };
    }

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    internal static partial Regex WorkflowIdPattern();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    internal static partial Regex StepIdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    internal static partial Regex NamePattern();
}
