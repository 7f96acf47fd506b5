using System.Text.RegularExpressions;
using Omni.Engine.Conversations;
using Omni.Engine.Workflows.Actions;
using Omni.Engine.Workflows.Expressions;

namespace Omni.Engine.Workflows;

/// <summary>
/// The semantic checks that need the whole workflow: the control-flow graph of steps (fallthrough, branches,
/// <c>next</c> jumps, stops) for cycles, unreachable steps and step order; and name binding in every condition and
/// template (event fields, step references that can have run before, lists, context names, regex literals).
/// </summary>
internal sealed class WorkflowValidator
{
    /// <summary>What a step reference may read: <c>steps.&lt;id&gt;.&lt;member&gt;</c>.</summary>
    internal static readonly string[] StepMembers = ["output", "status", "provider", "attempts", "error", "event", "timed_out"];

    private readonly WorkflowDefinition _definition;
    private readonly List<WorkflowError> _errors = [];
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<WorkflowStep, Node> _byStep = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, Node> _byId = new(StringComparer.Ordinal);

    private WorkflowValidator(WorkflowDefinition definition) => _definition = definition;

    public static IReadOnlyList<WorkflowError> Validate(WorkflowDefinition definition)
    {
        var validator = new WorkflowValidator(definition);
        validator.Run();
        return validator._errors;
    }

    private void Run()
    {
        Flatten(_definition.Steps, null);
        foreach (var node in _nodes)
        {
            node.JumpTarget = JumpTarget(node);
        }

        foreach (var node in _nodes)
        {
            node.Successors = [.. Successors(node).Where(n => n is not null).Select(n => n!).Distinct()];
        }

        var hasCycle = FindCycles();
        if (_nodes.Count > 0 && !hasCycle)
        {
            MarkReachable(_byStep[_definition.Steps[0]]);
            ReportUnreachable();
        }

        foreach (var node in _nodes)
        {
            node.Ancestors = Ancestors(node);
        }

        if (!hasCycle)
        {
            CheckOrder();
        }

        if (_definition.Trigger.When is { } trigger)
        {
            Bind(trigger, Context.Trigger, null);
        }

        foreach (var node in _nodes)
        {
            BindStep(node);
        }
    }

    private void Flatten(IReadOnlyList<WorkflowStep> list, Node? parent)
    {
        for (var i = 0; i < list.Count; i++)
        {
            var node = new Node(list[i], list, i, parent, _nodes.Count);
            _nodes.Add(node);
            _byStep[list[i]] = node;
            _byId.TryAdd(list[i].Id, node);
            if (list[i] is BranchStep branch)
            {
                Flatten(branch.Then, node);
                Flatten(branch.Else, node);
            }
        }
    }

    private Node? JumpTarget(Node node)
    {
        if (node.Step.Next is not { } next)
        {
            return null;
        }

        if (!_byId.TryGetValue(next, out var target))
        {
            Error(WorkflowErrorCodes.UnknownStep, $"'next' of step '{node.Step.Id}' names unknown step '{next}'", node.Step.NextPosition);
            return null;
        }

        for (var scope = node; scope is not null; scope = scope.Parent)
        {
            if (ReferenceEquals(scope.List, target.List))
            {
                return target;
            }
        }

        Error(WorkflowErrorCodes.InvalidJump,
            $"'next' of step '{node.Step.Id}' can only jump to a step in the same list or an enclosing one, not into '{next}'", node.Step.NextPosition);
        return null;
    }

    /// <summary>Where control goes when the step is done and has no jump: the next sibling, else out of the enclosing branch.</summary>
    private Node? After(Node node) =>
        node.IndexInList + 1 < node.List.Count ? _byStep[node.List[node.IndexInList + 1]]
        : node.Parent is { } parent ? Exit(parent)
        : null;

    private Node? Exit(Node branch) => branch.JumpTarget ?? After(branch);

    private IEnumerable<Node?> Successors(Node node)
    {
        switch (node.Step)
        {
            case StopStep stop:
                return stop.When is null ? [] : [After(node)];
            case BranchStep branch:
            {
                var thenEntry = branch.Then.Count > 0 ? _byStep[branch.Then[0]] : Exit(node);
                var elseEntry = branch.Else.Count > 0 ? _byStep[branch.Else[0]] : Exit(node);
                return Constant(branch.If) switch
                {
                    true => [thenEntry],
                    false => [elseEntry],
                    null => [thenEntry, elseEntry],
                };
            }

            default:
            {
                var ran = node.JumpTarget ?? After(node);
                return Constant(node.Step.When) switch
                {
                    true => [ran],
                    false => [After(node)],
                    null => node.Step.When is null ? [ran] : [ran, After(node)],
                };
            }
        }
    }

    private bool FindCycles()
    {
        var state = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var found = false;
        var stack = new List<Node>();

        void Visit(Node node)
        {
            state[node] = 1;
            stack.Add(node);
            foreach (var next in node.Successors)
            {
                var s = state.GetValueOrDefault(next);
                if (s == 0)
                {
                    Visit(next);
                }
                else if (s == 1)
                {
                    found = true;
                    var loop = stack.Skip(stack.IndexOf(next)).ToList();
                    var jumper = loop.LastOrDefault(n => n.JumpTarget is not null) ?? node;
                    Error(WorkflowErrorCodes.Cycle,
                        $"steps form a loop: {string.Join(" → ", loop.Append(next).Select(n => n.Step.Id))}; 'next' may only jump forward so that every run ends",
                        jumper.JumpTarget is not null ? jumper.Step.NextPosition : jumper.Step.Position);
                }
            }

            stack.RemoveAt(stack.Count - 1);
            state[node] = 2;
        }

        foreach (var node in _nodes)
        {
            if (state.GetValueOrDefault(node) == 0)
            {
                Visit(node);
            }
        }

        return found;
    }

    private static void MarkReachable(Node start)
    {
        var pending = new Stack<Node>([start]);
        while (pending.TryPop(out var node))
        {
            if (node.Reachable)
            {
                continue;
            }

            node.Reachable = true;
            foreach (var next in node.Successors)
            {
                pending.Push(next);
            }
        }
    }

    private void ReportUnreachable()
    {
        foreach (var node in _nodes)
        {
            if (node.Reachable)
            {
                if (node.Step is not BranchStep && Constant(node.Step.When) == false)
                {
                    Error(WorkflowErrorCodes.UnreachableStep, $"step '{node.Step.Id}' never runs: its 'when' is always false", node.Step.Position);
                }

                continue;
            }

            var previous = node.IndexInList > 0 ? _byStep[node.List[node.IndexInList - 1]] : null;
            var parentReachable = node.Parent is null || node.Parent.Reachable;
            if (!parentReachable || (previous is not null && !previous.Reachable))
            {
                continue; // reported at the first step of the dead stretch
            }

            string reason;
            if (previous is null && node.Parent?.Step is BranchStep branch)
            {
                reason = $"the 'if' of step '{branch.Id}' is always {(Constant(branch.If) == true ? "true" : "false")}";
            }
            else if (previous?.Step is StopStep { When: null } stop)
            {
                reason = $"it follows step '{stop.Id}', which always stops the run";
            }
            else if (previous is { JumpTarget: { } target } && previous.Step.When is null)
            {
                reason = $"step '{previous.Step.Id}' always jumps to '{target.Step.Id}'";
            }
            else
            {
                reason = "no path from the first step reaches it (every path before it stops the run or jumps past it)";
            }

            Error(WorkflowErrorCodes.UnreachableStep, $"step '{node.Step.Id}' can never run: {reason}", node.Step.Position);
        }
    }

    private HashSet<Node> Ancestors(Node node)
    {
        var predecessors = _nodes.Where(n => n.Successors.Contains(node)).ToList();
        var result = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<Node>(predecessors);
        while (pending.TryPop(out var current))
        {
            if (result.Add(current))
            {
                foreach (var before in _nodes.Where(n => n.Successors.Contains(current)))
                {
                    pending.Push(before);
                }
            }
        }

        return result;
    }

    private void CheckOrder()
    {
        // Action steps are picked in the query rather than with 'if (... is not ActionStep { ... } step) continue;',
        // whose continue-removing mutant leaves 'step' unassigned and made Stryker drop every mutant of this method.
        foreach (var (node, step, category, position) in _nodes
                     .Select(n => (Node: n, Step: n.Step as ActionStep))
                     .Where(a => a.Step?.Category is not null)
                     .Select(a => (a.Node, Step: a.Step!, Category: a.Step!.Category!.Value))
                     .Where(a => ActionCategories.Position(a.Category) is not null)
                     .Select(a => (a.Node, a.Step, a.Category, ActionCategories.Position(a.Category)!.Value)))
        {
            var later = node.Ancestors
                .Where(a => a.Step is ActionStep { Category: { } c } && ActionCategories.Position(c) > position)
                .OrderBy(a => a.DocumentIndex)
                .FirstOrDefault();
            if (later?.Step is ActionStep before)
            {
                Error(WorkflowErrorCodes.OutOfOrder,
                    $"step '{step.Id}' ({step.Action}, a {ActionCategories.Name(category)} action) can run after step '{before.Id}' ({before.Action}, a {ActionCategories.Name(before.Category!.Value)} action); steps run in the order {ActionCategories.OrderText}",
                    step.ActionPosition);
            }
        }
    }

    private void BindStep(Node node)
    {
        switch (node.Step)
        {
            case BranchStep branch:
                Bind(branch.If, Context.Condition, node);
                break;
            case StopStep stop:
                if (stop.StopsLower && (node.Parent is not null || _definition.Steps.Take(node.IndexInList).Any(s => s is not StopStep)))
                {
                    Error(WorkflowErrorCodes.InvalidStep,
                        $"'stop_lower' of step '{stop.Id}': only a stop step at the top of the workflow, before any action or if step, may stop lower-precedence workflows (it must be decided from the event alone, before anything runs)",
                        stop.Position);
                }

                if (stop.When is not null)
                {
                    Bind(stop.When, stop.StopsLower ? Context.Gate : Context.Condition, stop.StopsLower ? null : node);
                }

                break;
            case ActionStep action:
                if (action.When is not null)
                {
                    Bind(action.When, Context.Condition, node);
                }

                if (action.Check is not null)
                {
                    Bind(action.Check, Context.Check, node);
                }

                if (action.Unless is not null)
                {
                    Bind(action.Unless, Context.Unless, node);
                }

                foreach (var expression in action.With.Where(p => p.Template is not null).SelectMany(p => p.Template!.Expressions))
                {
                    Bind(expression, Context.Template, node);
                }

                break;
        }
    }

    private void Bind(WorkflowExpression expression, Context context, Node? owner)
    {
        if (expression.IsPlaceholder)
        {
            return;
        }

        void Walk(ExpressionNode node)
        {
            switch (node)
            {
                case MemberNode { Target: var target } field when OutputOf(target) is { } source:
                    Walk(target);
                    CheckOutputField(source, field.Member, field.Offset);
                    break;
                case IndexNode { Target: var target, Index: LiteralNode { Value: string name } index } when OutputOf(target) is { } source:
                    Walk(target);
                    CheckOutputField(source, name, index.Offset);
                    break;
                case MemberNode { Target: MemberNode { Target: NameNode { Name: "steps" } } reference } member:
                    Reference(reference.Member, reference.Offset);
                    CheckStepMember(member.Member, member.Offset);
                    break;
                case MemberNode { Target: IndexNode { Target: NameNode { Name: "steps" } } reference } member:
                    ReferenceByIndex(reference);
                    CheckStepMember(member.Member, member.Offset);
                    break;
                case MemberNode { Target: NameNode { Name: "steps" } } reference:
                    Reference(reference.Member, reference.Offset);
                    break;
                case MemberNode { Target: NameNode { Name: "conversation" } } field when context is Context.Condition or Context.Unless:
                    if (!ConversationState.Fields.Contains(field.Member))
                    {
                        Error(WorkflowErrorCodes.UnknownName,
                            $"the conversation has no '{field.Member}'; expected one of: {string.Join(", ", ConversationState.Fields)}", expression.PositionOf(field.Offset));
                    }

                    break;
                case IndexNode { Target: NameNode { Name: "steps" } } reference:
                    ReferenceByIndex(reference);
                    break;
                case MemberNode member:
                    Walk(member.Target);
                    break;
                case IndexNode index:
                    Walk(index.Target);
                    Walk(index.Index);
                    break;
                case NameNode name:
                    CheckName(name);
                    break;
                case NotNode not:
                    Walk(not.Operand);
                    break;
                case ListNode list:
                    list.Items.ToList().ForEach(Walk);
                    break;
                case CallNode call:
                    CheckCall(call);
                    break;
                case BinaryNode binary:
                    Walk(binary.Left);
                    Walk(binary.Right);
                    if (binary is { Operator: BinaryOperator.Matches, Right: LiteralNode { Value: string pattern } right })
                    {
                        CheckRegex(pattern, right.Offset);
                    }

                    break;
            }
        }

        // The step whose output an expression reads: steps.<id>.output, steps['id'].output, or 'output' in a check.
        Node? OutputOf(ExpressionNode target) => target switch
        {
            MemberNode { Member: "output", Target: MemberNode { Target: NameNode { Name: "steps" }, Member: var id } } => _byId.GetValueOrDefault(id),
            MemberNode { Member: "output", Target: IndexNode { Target: NameNode { Name: "steps" }, Index: LiteralNode { Value: string id } } } => _byId.GetValueOrDefault(id),
            NameNode { Name: "output" } when context == Context.Check => owner,
            _ => null,
        };

        void CheckOutputField(Node source, string field, int offset)
        {
            if (DeclaredOutputs(source.Step) is not { } declared || declared.Any(f => f.Name == field))
            {
                return;
            }

            var what = source.Step is ActionStep action ? $"step '{action.Id}' ({action.Resolved!.Descriptor.Id})" : $"step '{source.Step.Id}'";
            var message = declared.Count == 0
                ? $"{what} has no readable output, so it has no field '{field}'"
                : $"{what} has no output field '{field}'{Suggestion(field, declared.Select(f => f.Name))}; its output fields: {string.Join(", ", declared.Select(f => f.Name))}";
            Error(WorkflowErrorCodes.UnknownOutputField, message, expression.PositionOf(offset));
        }

        void CheckName(NameNode name)
        {
            var problem = name.Name switch
            {
                _ when EventFields.IsField(name.Name) => null,
                "steps" => "'steps' must be followed by a step id: steps.<id>.output or steps['id'].output",
                "output" when context == Context.Check => null,
                "output" => "'output' is only available in a step's 'check' (elsewhere use steps.<id>.output)",
                "replied" or "contact_replied" or "we_replied" when context == Context.Unless => null,
                "replied" or "contact_replied" or "we_replied" => $"'{name.Name}' is only available in a follow-up's 'unless'",
                "conversation" when context is Context.Condition or Context.Unless =>
                    $"'conversation' must be followed by a field: conversation.<field>, one of {string.Join(", ", ConversationState.Fields)}",
                "conversation" => "'conversation' (the conversation's state) is only available in a step's 'when', 'if' or a follow-up's 'unless' (a trigger or a stop_lower stop decides from the event alone)",
                _ => $"unknown name '{name.Name}'; expected an event field ({string.Join(", ", EventFields.Names)}), steps.<id>.<member>, list('name'), conversation.<field> in when/if/unless, 'output' in a check or 'replied' / 'contact_replied' / 'we_replied' in unless",
            };
            if (problem is not null)
            {
                Error(WorkflowErrorCodes.UnknownName, problem, expression.PositionOf(name.Offset));
            }
        }

        void CheckStepMember(string member, int offset)
        {
            if (!StepMembers.Contains(member))
            {
                Error(WorkflowErrorCodes.UnknownName, $"a step reference has no '{member}'; expected one of: {string.Join(", ", StepMembers)}", expression.PositionOf(offset));
            }
        }

        void ReferenceByIndex(IndexNode reference)
        {
            if (reference.Index is LiteralNode { Value: string id })
            {
                Reference(id, reference.Index.Offset);
            }
            else
            {
                Error(WorkflowErrorCodes.UnknownName, "a step reference needs a literal step id: steps['id']", expression.PositionOf(reference.Index.Offset));
            }
        }

        void Reference(string id, int offset)
        {
            var position = expression.PositionOf(offset);
            if (owner is null)
            {
                Error(WorkflowErrorCodes.UnknownName,
                    context == Context.Gate ? "a 'stop_lower' stop decides from the event alone: it cannot read steps" : "a trigger cannot read steps: nothing has run yet", position);
            }
            else if (!_byId.TryGetValue(id, out var target))
            {
                Error(WorkflowErrorCodes.UnknownStep, $"unknown step '{id}'", position);
            }
            else if (ReferenceEquals(target, owner))
            {
                Error(WorkflowErrorCodes.UseBeforeDefinition,
                    context == Context.Check ? $"step '{id}' cannot read its own result here; use 'output' in a check" : $"step '{id}' cannot read its own result", position);
            }
            else if (!owner.Ancestors.Contains(target))
            {
                Error(WorkflowErrorCodes.UseBeforeDefinition,
                    $"step '{owner.Step.Id}' reads step '{id}', which cannot have run before it (it comes later, or on another branch)", position);
            }
        }

        void CheckCall(CallNode call)
        {
            if (call.Function != "list")
            {
                Error(WorkflowErrorCodes.UnknownName, $"unknown function '{call.Function}'; the only function is list('name')", expression.PositionOf(call.Offset));
            }
            else if (call.Arguments is not [LiteralNode { Value: string listName }])
            {
                Error(WorkflowErrorCodes.UnknownName, "list() takes one quoted list name: list('vip')", expression.PositionOf(call.Offset));
            }
            else if (!_definition.Lists.ContainsKey(listName))
            {
                Error(WorkflowErrorCodes.UnknownList,
                    $"unknown list '{listName}'; declare it under 'lists:'{(_definition.Lists.Count > 0 ? $" (declared: {string.Join(", ", _definition.Lists.Keys)})" : string.Empty)}",
                    expression.PositionOf(call.Arguments[0].Offset));
            }
        }

        void CheckRegex(string pattern, int offset)
        {
            try
            {
                _ = new Regex(pattern, ExpressionEvaluator.RegexFlags, ExpressionEvaluator.RegexTimeout);
            }
            catch (ArgumentException e)
            {
                Error(WorkflowErrorCodes.InvalidRegex, $"invalid regular expression: {e.Message}", expression.PositionOf(offset));
            }
            catch (NotSupportedException e)
            {
                Error(WorkflowErrorCodes.InvalidRegex, $"unsupported regular expression (backreferences, lookarounds and atomic groups are not allowed): {e.Message}", expression.PositionOf(offset));
            }
        }

        Walk(expression.Root);
    }

    /// <summary>The output fields a step declares, or null when unknown (its action did not resolve: reported elsewhere).</summary>
    private static IReadOnlyList<OutputField>? DeclaredOutputs(WorkflowStep step) => step switch
    {
        ActionStep { Resolved: { } resolved } => resolved.Descriptor.Outputs,
        ActionStep => null,
        BranchStep => BranchOutputs,
        _ => [],
    };

    /// <summary>An if step's output: which way it went.</summary>
    private static readonly OutputField[] BranchOutputs = [new("branch", OutputType.Text, "then or else: the way the branch went.")];

    /// <summary>" (did you mean 'text'?)" when one declared name is a short edit away, else "".</summary>
    internal static string Suggestion(string given, IEnumerable<string> names)
    {
        var closest = names
            .Select(name => (Name: name, Distance: EditDistance(given, name)))
            .Where(c => c.Distance <= Math.Max(1, Math.Min(2, given.Length / 3)))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return closest.Name is null ? string.Empty : $" (did you mean '{closest.Name}'?)";
    }

    /// <summary>Levenshtein distance, with a swap of two neighbours counted as one edit (txet → text).</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>The value of a condition without names, or null when it depends on the run.</summary>
    internal static bool? Constant(WorkflowExpression? expression)
    {
        if (expression is null || expression.IsPlaceholder || !IsConstant(expression.Root))
        {
            return null;
        }

        try
        {
            return ExpressionEvaluator.EvaluateCondition(expression.Root, EmptyContext.Instance);
        }
        // Stryker disable once Block : equivalent, without the block the method returns default (null) all the same
        catch (ExpressionException)
        {
            return null;
        }
    }

    private static bool IsConstant(ExpressionNode node) => node switch
    {
        LiteralNode => true,
        NotNode not => IsConstant(not.Operand),
        BinaryNode binary => IsConstant(binary.Left) && IsConstant(binary.Right),
        // Stryker disable once Linq : equivalent, a list evaluates every item, so a name in it fails with the empty context and Constant answers null all the same
        ListNode list => list.Items.All(IsConstant),
        // Stryker disable once Logical : equivalent, an index evaluates both sides, so a name in either fails with the empty context and Constant answers null all the same
        IndexNode index => IsConstant(index.Target) && IsConstant(index.Index),
        MemberNode member => IsConstant(member.Target),
        _ => false,
    };

    private void Error(string code, string message, SourcePosition position) => _errors.Add(new WorkflowError(code, message, position));

    private enum Context
    {
        Trigger,

        /// <summary>The <c>when</c> of a <c>stop_lower</c> stop: the event and lists only, like a trigger.</summary>
        Gate,
        Condition,
        Check,
        Unless,
        Template,
    }

    private sealed class EmptyContext : IExpressionContext
    {
        public static readonly EmptyContext Instance = new();

        public bool TryResolve(string name, out object? value)
        {
            value = null;
            // Stryker disable once Boolean : unreachable, IsConstant lets no name through to the evaluation
            return false;
        }

        public IReadOnlyList<string>? ResolveList(string name) => null;
    }

    private sealed class Node(WorkflowStep step, IReadOnlyList<WorkflowStep> list, int indexInList, Node? parent, int documentIndex)
    {
        public WorkflowStep Step { get; } = step;

        public IReadOnlyList<WorkflowStep> List { get; } = list;

        public int IndexInList { get; } = indexInList;

        public Node? Parent { get; } = parent;

        public int DocumentIndex { get; } = documentIndex;

        public Node? JumpTarget { get; set; }

        public List<Node> Successors { get; set; } = [];

        public HashSet<Node> Ancestors { get; set; } = [];

        public bool Reachable { get; set; }
    }
}
