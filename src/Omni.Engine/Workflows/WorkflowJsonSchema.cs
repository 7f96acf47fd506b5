using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Omni.Engine.Events;
using Omni.Engine.Workflows.Actions;

namespace Omni.Engine.Workflows;

/// <summary>
/// JSON Schema (draft 2020-12) of the workflow YAML, generated from an action registry: the structure plus each
/// action's <c>with</c> parameters (via if/then on <c>action</c>). docs/workflow.schema.json is this output for
/// <see cref="ActionRegistry.Default"/>; a test keeps it in sync. The schema checks shape and types; the parser
/// checks everything else (conditions, references, order, jumps, duration ranges).
/// </summary>
public static class WorkflowJsonSchema
{
    public const string SchemaId = "https://omni.local/schemas/workflow.schema.json";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The whole schema as indented JSON text ending with a newline.</summary>
    public static string Generate(ActionRegistry registry) => Build(registry).ToJsonString(Indented) + "\n";

    public static JsonObject Build(ActionRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var defs = new JsonObject
        {
            ["duration"] = new JsonObject
            {
                ["type"] = "string",
                ["pattern"] = WorkflowDuration.Pattern,
                ["description"] = "d, h, m, s parts in that order: 30s, 5m, 24h, 1h30m, 7d.",
            },
            ["condition"] = new JsonObject
            {
                ["type"] = new JsonArray("string", "boolean"),
                ["description"] = "A condition in the Omni expression language (docs/workflows.md).",
            },
            ["trigger"] = new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["properties"] = new JsonObject
                {
                    ["event_kinds"] = Enumerated(EventKinds.All),
                    ["content_types"] = Enumerated(ContentTypes.All),
                    ["when"] = Ref("condition"),
                },
            },
            ["steps"] = new JsonObject
            {
                ["type"] = "array",
                ["minItems"] = 1,
                ["items"] = Ref("step"),
            },
            ["step"] = Step(),
            ["step_id"] = new JsonObject { ["type"] = "string", ["pattern"] = WorkflowParser.StepIdPattern().ToString() },
            ["retry"] = new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["properties"] = new JsonObject
                {
                    ["max_attempts"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = WorkflowParser.MaxRetryAttempts, ["default"] = RetryPolicy.Default.MaxAttempts },
                    ["first_delay"] = Ref("duration", "1s to 1h; default 5s."),
                    ["backoff"] = new JsonObject { ["type"] = "number", ["minimum"] = 1.0, ["maximum"] = 10.0, ["default"] = RetryPolicy.Default.Backoff },
                    ["max_delay"] = Ref("duration", "1s to 1h; default 1m."),
                },
            },
            ["action_step"] = ActionStep(registry),
            ["if_step"] = new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["required"] = new JsonArray("id", "if", "then"),
                ["properties"] = new JsonObject
                {
                    ["id"] = Ref("step_id"),
                    ["if"] = Ref("condition"),
                    ["then"] = Ref("steps"),
                    ["else"] = Ref("steps"),
                    ["next"] = Ref("step_id", "Continue at this step after the branch."),
                },
            },
            ["stop_step"] = new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = false,
                ["required"] = new JsonArray("id", "stop"),
                ["properties"] = new JsonObject
                {
                    ["id"] = Ref("step_id"),
                    ["stop"] = new JsonObject { ["type"] = "string", ["description"] = "Ends the run with outcome skipped and this reason." },
                    ["when"] = Ref("condition"),
                    ["stop_lower"] = new JsonObject
                    {
                        ["type"] = "boolean",
                        ["default"] = false,
                        ["description"] = "When this stop ends the run, no workflow of lower precedence runs for the event. Only on stop steps at the top, before any other kind of step; 'when' reads the event alone.",
                    },
                },
            },
        };
        foreach (var action in registry.Actions)
        {
            defs[$"with.{action.Id}"] = ParametersSchema(action);
        }

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = SchemaId,
            ["title"] = "Omni workflow",
            ["description"] = "A workflow of the Omni action engine. Generated from the action registry; see docs/workflows.md.",
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("id", "version", "trigger", "steps"),
            ["properties"] = new JsonObject
            {
                ["id"] = new JsonObject { ["type"] = "string", ["pattern"] = WorkflowParser.WorkflowIdPattern().ToString() },
                ["version"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1 },
                ["scope"] = new JsonObject
                {
                    ["type"] = "string",
                    ["default"] = WorkflowDefinition.AnyInstance,
                    ["description"] = "An instance name, or * for the default that instance-scoped workflows with the same id override.",
                },
                ["description"] = new JsonObject { ["type"] = "string" },
                ["precedence"] = new JsonObject
                {
                    ["type"] = "integer",
                    ["default"] = 0,
                    ["minimum"] = WorkflowDefinition.MinPrecedence,
                    ["maximum"] = WorkflowDefinition.MaxPrecedence,
                    ["description"] = "The workflow's place in its instance's order: higher first (ties by id). A 'stop_lower' stop of a workflow stops every workflow of lower precedence for that event.",
                },
                ["trigger"] = Ref("trigger"),
                ["lists"] = new JsonObject
                {
                    ["type"] = "object",
                    ["propertyNames"] = new JsonObject { ["pattern"] = WorkflowParser.NamePattern().ToString() },
                    ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
                },
                ["steps"] = Ref("steps"),
            },
            ["$defs"] = defs,
        };
    }

    /// <summary>The JSON Schema of one action's <c>with</c> mapping (also served by the registry API).</summary>
    public static JsonObject ParametersSchema(ActionDescriptor action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var properties = new JsonObject();
        foreach (var parameter in action.Parameters)
        {
            properties[parameter.Name] = ParameterSchema(parameter);
        }

        var schema = new JsonObject
        {
            ["type"] = "object",
            ["description"] = action.Description,
            ["additionalProperties"] = false,
            ["properties"] = properties,
        };
        var required = action.Parameters.Where(p => p.Required && p.Name != action.LabelParameter).Select(p => (JsonNode?)p.Name).ToArray();
        if (required.Length > 0)
        {
            schema["required"] = new JsonArray(required);
        }

        return schema;
    }

    /// <summary>
    /// The JSON Schema of one action's output (what <c>steps.&lt;id&gt;.output</c> holds), from its declared fields: the
    /// fields it always gives are required; the others may be absent or null. Served by the registry API.
    /// </summary>
    public static JsonObject OutputSchema(ActionDescriptor action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var properties = new JsonObject();
        foreach (var field in action.Outputs)
        {
            var schema = OutputFieldSchema(field.Type);
            if (!field.Always)
            {
                schema["type"] = new JsonArray(schema["type"]!.GetValue<string>(), "null");
            }

            schema["description"] = field.Description;
            properties[field.Name] = schema;
        }

        var output = new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["properties"] = properties,
        };
        var required = action.Outputs.Where(f => f.Always).Select(f => (JsonNode?)f.Name).ToArray();
        if (required.Length > 0)
        {
            output["required"] = new JsonArray(required);
        }

        return output;
    }

    private static JsonObject OutputFieldSchema(OutputType type) => type switch
    {
        OutputType.Text => new JsonObject { ["type"] = "string" },
        OutputType.WholeNumber => new JsonObject { ["type"] = "integer" },
        OutputType.Number => new JsonObject { ["type"] = "number" },
        OutputType.Boolean => new JsonObject { ["type"] = "boolean" },
        OutputType.TextList => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
        OutputType.Record => new JsonObject { ["type"] = "object" },
        _ => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object" } },
    };

    /// <summary>
    /// A step, discriminated by the key it has (action, if, stop) with if/then/else rather than a oneOf, so that an editor
    /// reports one bad step with the errors of its own kind only (a oneOf reports every kind's errors).
    /// </summary>
    private static JsonObject Step() => new()
    {
        ["type"] = "object",
        ["description"] = "A step: 'action' calls an action, 'if' branches, 'stop' ends the run.",
        ["if"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("action") },
        ["then"] = Ref("action_step"),
        ["else"] = new JsonObject
        {
            ["if"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("if") },
            ["then"] = Ref("if_step"),
            ["else"] = new JsonObject
            {
                ["if"] = new JsonObject { ["type"] = "object", ["required"] = new JsonArray("stop") },
                ["then"] = Ref("stop_step"),
                ["else"] = new JsonObject
                {
                    ["required"] = new JsonArray("action"),
                    ["description"] = "A step needs one of 'action' (call an action), 'if' (branch) or 'stop' (end the run).",
                },
            },
        },
    };

    private static JsonObject ParameterSchema(ParameterDescriptor parameter)
    {
        JsonObject schema = parameter.Type switch
        {
            ParameterType.Text => new JsonObject { ["type"] = "string" },
            ParameterType.WholeNumber => new JsonObject { ["type"] = "integer" },
            ParameterType.Number => new JsonObject { ["type"] = "number" },
            ParameterType.Boolean => new JsonObject { ["type"] = "boolean" },
            ParameterType.Duration => new JsonObject { ["type"] = "string", ["pattern"] = WorkflowDuration.Pattern },
            ParameterType.TextList => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
            _ => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. parameter.Values.Select(v => (JsonNode?)v)]) },
        };
        if (parameter.Minimum is { } min)
        {
            schema["minimum"] = min;
        }

        if (parameter.Maximum is { } max)
        {
            schema["maximum"] = max;
        }

        if (parameter.Default is { } fallback)
        {
            schema["default"] = JsonNode.Parse(fallback.GetRawText());
        }

        schema["description"] = parameter.Description;
        return schema;
    }

    private static JsonObject ActionStep(ActionRegistry registry)
    {
        var rules = new JsonArray();
        foreach (var action in registry.Actions)
        {
            var idPattern = action.LabelParameter is null ? new JsonObject { ["const"] = action.Id } : new JsonObject { ["pattern"] = $"^{Regex.Escape(action.Id)}(\\.[a-z0-9_-]+)?$" };
            var then = new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["with"] = Ref($"with.{action.Id}"),
                    ["providers"] = action.Providers.Count == 0
                        ? (JsonNode)false
                        : new JsonObject { ["type"] = "array", ["minItems"] = 1, ["uniqueItems"] = true, ["items"] = Enumerated(action.Providers)["items"]!.DeepClone() },
                },
            };
            if (action.Parameters.Any(p => p.Required && p.Name != action.LabelParameter))
            {
                then["required"] = new JsonArray("with");
            }

            rules.Add(new JsonObject
            {
                ["if"] = new JsonObject { ["required"] = new JsonArray("action"), ["properties"] = new JsonObject { ["action"] = idPattern } },
                ["then"] = then,
            });
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("id", "action"),
            ["properties"] = new JsonObject
            {
                ["id"] = Ref("step_id"),
                ["action"] = ActionId(registry),
                ["with"] = new JsonObject { ["description"] = "The action's parameters (checked per action)." },
                ["when"] = Ref("condition"),
                ["retry"] = Ref("retry"),
                ["providers"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["description"] = "Fallback chain, tried in order." },
                ["check"] = Ref("condition", "Condition over 'output'; a result failing it moves on to the next provider."),
                ["after"] = Ref("duration", "Follow-up delay, 1m to 30d."),
                ["unless"] = Ref("condition", "Evaluated when the delay ends, or at once when a signal it waits for arrives: 'replied' (= 'contact_replied') is true when the contact wrote again, 'we_replied' when we wrote in the conversation; conversation.<field> reads its reply state."),
                ["wait_for"] = new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["required"] = new JsonArray("event", "timeout"),
                    ["properties"] = new JsonObject
                    {
                        ["event"] = new JsonObject { ["type"] = "string", ["pattern"] = WorkflowParser.NamePattern().ToString() },
                        ["timeout"] = Ref("duration", "1m to 30d."),
                    },
                },
                ["continue_on_error"] = new JsonObject { ["type"] = "boolean", ["default"] = false },
                ["next"] = Ref("step_id", "Continue at this step after this one ran (forward jumps only)."),
            },
            ["allOf"] = rules,
        };
    }

    /// <summary>
    /// A registry id: one of the ids, or the dotted form of a labelled action (<c>guard.contact_override.vip</c>). The
    /// labelled forms are an if/then/else around the enum, not an anyOf, so an unknown id is one error.
    /// </summary>
    private static JsonObject ActionId(ActionRegistry registry)
    {
        const string Description = "A registry action id; its first segment is the category (guard → transform → route → validate → persist → meta).";
        var ids = new JsonObject { ["enum"] = new JsonArray([.. registry.Actions.Select(a => (JsonNode?)a.Id)]) };
        var labelled = registry.Actions.Where(a => a.LabelParameter is not null).Select(a => Regex.Escape(a.Id)).ToList();
        if (labelled.Count == 0)
        {
            ids["description"] = Description;
            return ids;
        }

        return new JsonObject
        {
            ["description"] = Description,
            ["if"] = new JsonObject { ["type"] = "string", ["pattern"] = $"^({string.Join("|", labelled)})\\.[a-z0-9_-]+$" },
            ["else"] = ids,
        };
    }

    private static JsonObject Enumerated(IEnumerable<string> values) => new()
    {
        ["type"] = "array",
        ["items"] = new JsonObject { ["enum"] = new JsonArray([.. values.Select(v => (JsonNode?)v)]) },
    };

    private static JsonObject Ref(string name, string? description = null)
    {
        var node = new JsonObject { ["$ref"] = $"#/$defs/{name}" };
        if (description is not null)
        {
            node["description"] = description;
        }

        return node;
    }
}
