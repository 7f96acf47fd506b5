using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Json;
using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;
using Omni.Services.Actions;
using Omni.Services.Configuration;
using Omni.Services.Http;

namespace Omni.Services.Workflows;

/// <summary>
/// The workflow config API: list, read, store a new version (validated first), validate without storing, the JSON
/// Schema of the YAML, and the action registry. Behind a query key; a key scoped to instances sees the <c>*</c>
/// workflows and its instances' overrides, and may store only overrides for its instances.
/// </summary>
public sealed class WorkflowsEndpoints(OmniOptions options, WorkflowStore store, ActionExecutorRegistry executors)
{
    /// <summary>Table Storage keeps strings up to 32K UTF-16 characters; a workflow is far smaller.</summary>
    public const int MaxYamlBytes = 32 * 1024;

    /// <summary><c>GET /api/workflows</c>: the newest version of each id and scope, with where it comes from.</summary>
    public async Task<IResult> ListAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);

        var snapshot = await store.GetAsync(call.Cancellation);
        var workflows = snapshot.All
            .Where(w => Readable(call.Caller, w.Definition.Scope))
            .GroupBy(w => (w.Definition.Id, w.Definition.Scope))
            .Select(g => g.MaxBy(w => w.Definition.Version)!)
            .OrderBy(w => w.Definition.Id, StringComparer.Ordinal)
            .ThenBy(w => w.Definition.Scope, StringComparer.Ordinal)
            .Select(w => Summary(w, snapshot));
        return Json(new { workflows });
    }

    /// <summary><c>GET /api/workflows/{id}[?version=]</c>: the newest (or the given) version with its YAML, and all versions.</summary>
    public async Task<IResult> GetAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (request, id, cancellationToken) = (call.Request, call.Route("id"), call.Cancellation);

        int? version = null;
        if (request.Query.TryGetValue("version", out var text))
        {
            if (!int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < 1)
            {
                return ApiError.BadRequest("version must be a positive whole number");
            }

            version = parsed;
        }

        var snapshot = await store.GetAsync(cancellationToken);
        var versions = snapshot.Versions(id).Where(w => Readable(call.Caller, w.Definition.Scope)).ToList();
        var chosen = version is null ? versions.FirstOrDefault() : versions.FirstOrDefault(w => w.Definition.Version == version);
        if (chosen is null)
        {
            return ApiError.NotFound(version is null ? $"no workflow '{id}'" : $"workflow '{id}' has no version {version}");
        }

        return Json(new
        {
            id = chosen.Definition.Id,
            version = chosen.Definition.Version,
            scope = chosen.Definition.Scope,
            description = chosen.Definition.Description,
            source = chosen.Source,
            created_at = chosen.CreatedAt,
            effective = IsEffective(chosen, snapshot),
            yaml = chosen.Yaml,
            versions = versions.Select(w => new { version = w.Definition.Version, scope = w.Definition.Scope, source = w.Source, created_at = w.CreatedAt }),
        });
    }

    /// <summary><c>PUT /api/workflows/{id}</c> (body: the YAML): validates, then stores it as a new version, in effect at once.</summary>
    public async Task<IResult> PutAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (id, cancellationToken) = (call.Route("id"), call.Cancellation);
        var (yaml, result, errors, error) = await ReadWorkflowAsync(call.Request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (result!.Definition is not { } definition || errors.Count > 0)
        {
            return ApiError.BadRequest($"the workflow is not valid ({errors.Count} error(s))", Errors(errors));
        }

        if (definition.Id != id)
        {
            return ApiError.BadRequest($"the workflow's id '{definition.Id}' does not match the URL's '{id}'");
        }

        if (definition.Scope != WorkflowDefinition.AnyInstance && !options.Instances.ContainsKey(definition.Scope))
        {
            return ApiError.BadRequest($"scope '{definition.Scope}' is neither \"*\" nor a configured instance");
        }

        // Only an unscoped key changes the "*" defaults; a scoped key may store overrides for its own instances.
        if (definition.Scope == WorkflowDefinition.AnyInstance ? !call.Caller.IsUnscoped : !call.Caller.CanRead(definition.Scope))
        {
            return ApiError.Forbidden($"this key may not change workflows of scope '{definition.Scope}'");
        }

        if (await store.AddAsync(definition, yaml!, cancellationToken) == WorkflowAddOutcome.VersionNotNewer)
        {
            var latest = (await store.GetAsync(cancellationToken)).Versions(id) is [var newest, ..] ? newest.Definition.Version : 0;
            return ApiError.Conflict($"workflow '{id}' already has version {latest}; stored versions are immutable, send version {latest + 1} or higher");
        }

        var snapshot = await store.GetAsync(cancellationToken);
        var stored = snapshot.Versions(id).First(w => w.Definition.Version == definition.Version);
        return Results.Json(Summary(stored, snapshot), OmniJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary><c>POST /api/workflows/validate</c> (body: the YAML): <c>{valid, errors[]}</c>, nothing stored.</summary>
    public async Task<IResult> ValidateAsync(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (_, result, errors, error) = await ReadWorkflowAsync(call.Request, call.Cancellation);
        if (error is not null)
        {
            return error;
        }

        return Json(new
        {
            valid = errors.Count == 0,
            id = result!.Definition?.Id,
            version = result.Definition?.Version,
            errors = Errors(errors),
        });
    }

    /// <summary><c>GET /api/workflows/schema</c>: the JSON Schema of the workflow YAML, for editors.</summary>
    public Task<IResult> SchemaAsync(ApiCall call) =>
        Task.FromResult(Results.Text(WorkflowJsonSchema.Generate(store.Registry), "application/schema+json", Encoding.UTF8));

    /// <summary>
    /// <c>GET /api/registry/actions</c>: every action with its description, parameters, parameter schema, default provider
    /// chain, and the fields of its output (what <c>steps.&lt;id&gt;.output.&lt;field&gt;</c> reads) with their schema.
    /// </summary>
    public Task<IResult> ActionsAsync(ApiCall call) => Task.FromResult(Json(new { actions = ActionEntries() }));

    /// <summary>One entry per registry action, as <c>GET /api/registry/actions</c> and the whole catalogue (<c>GET /api/registry</c>) list them.</summary>
    internal IEnumerable<object> ActionEntries() =>
            store.Registry.Actions.Select(a => new
            {
                id = a.Id,
                category = ActionCategories.Name(a.Category),
                description = a.Description,
                is_side_effect = a.IsSideEffect,
                label_parameter = a.LabelParameter,
                providers = a.Providers,
                parameters = a.Parameters.Select(p => new
                {
                    name = p.Name,
                    type = ParameterTypes.Name(p.Type),
                    required = p.Required,
                    description = p.Description,
                    @default = p.Default,
                    values = p.Values.Count > 0 ? p.Values : null,
                    minimum = p.Minimum,
                    maximum = p.Maximum,
                }),
                parameters_schema = WorkflowJsonSchema.ParametersSchema(a),
                outputs = a.Outputs.Select(f => new
                {
                    name = f.Name,
                    type = OutputTypes.Name(f.Type),
                    always = f.Always,
                    description = f.Description,
                }),
                output_schema = WorkflowJsonSchema.OutputSchema(a),
            });

    /// <summary>Reads the YAML body and validates it: the parse result and every error, or the answer to give instead.</summary>
    private async Task<(string? Yaml, WorkflowLoadResult? Result, List<WorkflowError> Errors, IResult? Error)> ReadWorkflowAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        var (yaml, error) = await ReadYamlAsync(request, cancellationToken);
        if (error is not null)
        {
            return (null, null, [], error);
        }

        var (result, errors) = Check(yaml!);
        return (yaml, result, errors, null);
    }

    /// <summary>Parses and validates <paramref name="yaml"/> as a PUT would: the parse result and every error (none: it would be stored).</summary>
    public (WorkflowLoadResult Result, List<WorkflowError> Errors) Check(string yaml)
    {
        var result = WorkflowParser.Parse(yaml, store.Registry);
        return (result, WithUnavailableActions(result));
    }

    /// <summary>
    /// The parser's errors, plus one per step whose action the registry describes but this host has no executor for
    /// (it would validate, then fail at run time): all in one answer, in document order, also when the document has
    /// other errors.
    /// </summary>
    private List<WorkflowError> WithUnavailableActions(WorkflowLoadResult result)
    {
        var errors = result.Errors.ToList();
        if (result.Parsed is { } definition)
        {
            foreach (var step in ActionSteps(definition.Steps))
            {
                if (step.Resolved is { } resolved && !executors.TryGet(resolved.Descriptor.Id, out _))
                {
                    errors.Add(new WorkflowError(ActionNotAvailable,
                        $"the action '{step.Action}' is in the registry but not available on this host (no executor is registered for it)", step.ActionPosition));
                }
            }
        }

        return [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ThenBy(e => e.Code, StringComparer.Ordinal)];
    }

    private static IEnumerable<ActionStep> ActionSteps(IEnumerable<WorkflowStep> steps) => steps.SelectMany(step => step switch
    {
        ActionStep action => [action],
        BranchStep branch => ActionSteps(branch.Then).Concat(ActionSteps(branch.Else)),
        _ => [],
    });

    /// <summary>The error code of a step whose action has no executor on this host.</summary>
    public const string ActionNotAvailable = "action_not_available";

    /// <summary>Validation errors as every route answers them: <c>{code, message, line, column}</c>.</summary>
    public static object[] Errors(IReadOnlyList<WorkflowError> errors) =>
        [.. errors.Select(e => new { code = e.Code, message = e.Message, line = e.Line, column = e.Column })];

    private static bool IsEffective(StoredWorkflow workflow, WorkflowSnapshot snapshot)
    {
        var scope = workflow.Definition.Scope;
        var effective = snapshot.Catalog.EffectiveFor(scope == WorkflowDefinition.AnyInstance ? "\u0000any" : scope);
        return effective.Any(d => ReferenceEquals(d, workflow.Definition));
    }

    /// <summary>A workflow as listings show it (the REST list and the <c>list_workflows</c> tool).</summary>
    public static object Summary(StoredWorkflow w, WorkflowSnapshot snapshot) => new
    {
        id = w.Definition.Id,
        version = w.Definition.Version,
        scope = w.Definition.Scope,
        description = w.Definition.Description,
        source = w.Source,
        created_at = w.CreatedAt,
        effective = IsEffective(w, snapshot),
        trigger = new { event_kinds = w.Definition.Trigger.EventKinds, content_types = w.Definition.Trigger.ContentTypes },
        steps = w.Definition.AllSteps.Count(),
    };

    private static async Task<(string? Yaml, IResult? Error)> ReadYamlAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReadText(await BoundedBody.ReadAsync(request.Body, MaxYamlBytes, cancellationToken), "the workflow's YAML");

    /// <summary>A body read with <see cref="BoundedBody"/> as UTF-8 text, or the 413/400 to answer instead.</summary>
    public static (string? Text, IResult? Error) ReadText(BinaryData? body, string what)
    {
        if (body is null)
        {
            return (null, ApiError.TooLarge($"the workflow exceeds the {MaxYamlBytes} byte limit"));
        }

        string yaml;
        try
        {
            yaml = new UTF8Encoding(false, true).GetString(body.ToMemory().Span);
        }
        catch (DecoderFallbackException)
        {
            return (null, ApiError.BadRequest("the body is not UTF-8 text"));
        }

        return string.IsNullOrWhiteSpace(yaml) ? (null, ApiError.BadRequest($"the body must be {what}")) : (yaml, null);
    }

    /// <summary>Whether <paramref name="caller"/> may see a workflow of <paramref name="scope"/> (global ones: every key).</summary>
    public static bool Readable(Caller caller, string scope) => scope == WorkflowDefinition.AnyInstance || caller.CanRead(scope);

    private static IResult Json(object value) => Results.Json(value, OmniJson.Options);
}
