using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Omni.Engine.Webhooks;

namespace Omni.Services.Http;

/// <summary>
/// The OpenAPI 3 document of every Omni route, served at <c>GET /api/openapi.json</c> and checked in as
/// <c>docs/openapi.json</c> (a test keeps them byte-equal; <c>scripts/openapi.sh</c> rewrites the file).
/// <para>
/// Generated: <c>paths</c> come from <see cref="ApiRoutes.All"/> (path, verb, operationId = route name; security, 401 and
/// 403 from the route's <see cref="RouteAccess"/>; 500 for every route), everything else is data embedded from
/// <c>Http/OpenApi/</c>: <c>document.json</c> (info, servers, components) and <c>operations.json</c> (per route name:
/// summary, description, parameters, requestBody, the success responses, and <c>errors</c>: status → reason, each answered
/// in the <c>Error</c> shape). A route without operation data, or data naming no route, fails the build of the document.
/// </para>
/// </summary>
public static partial class OpenApiDocument
{
    /// <summary>The embedded data: the document without its paths.</summary>
    public const string DocumentResource = "document.json";

    /// <summary>The embedded data: each route's operation, keyed by route name.</summary>
    public const string OperationsResource = "operations.json";

    private const string ErrorSchema = "#/components/schemas/Error";
    private const string ParameterRefPrefix = "#/components/parameters/";

    /// <summary>What an operation's data may say; the rest (operationId, security, 401/403/500) comes from the route table.</summary>
    private static readonly string[] OperationFields = ["summary", "description", "parameters", "requestBody", "responses", "errors"];

    /// <summary>The error code <see cref="ApiError"/> answers with for each status.</summary>
    private static readonly Dictionary<string, string> ErrorCodes = new(StringComparer.Ordinal)
    {
        ["400"] = "bad_request",
        ["401"] = "unauthorized",
        ["403"] = "forbidden",
        ["404"] = "not_found",
        ["409"] = "conflict",
        ["413"] = "payload_too_large",
        ["429"] = "too_many_requests",
        ["500"] = "internal",
        ["502"] = "bad_gateway",
        ["503"] = "unavailable",
    };

    private static readonly JsonSerializerOptions Output = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly Lazy<string> Document = new(() => Generate(ApiRoutes.All, ReadResource(DocumentResource), ReadResource(OperationsResource)));

    /// <summary>The document, indented, ending with a newline: exactly <c>docs/openapi.json</c>.</summary>
    public static string Json => Document.Value;

    /// <summary><c>GET /api/openapi.json</c>: the contract of every route (public, like any API description).</summary>
    public static IResult Serve() => Results.Text(Json, "application/json");

    /// <summary>The text of an embedded data file (<see cref="DocumentResource"/>, <see cref="OperationsResource"/>).</summary>
    public static string ReadResource(string name)
    {
        var resource = "Omni.Services.Http.OpenApi." + name;
        using var stream = typeof(OpenApiDocument).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the embedded resource {resource} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// What does not match between <paramref name="routes"/> and the operation data: a route with no entry, an entry naming
    /// no route. Empty when every route has exactly one.
    /// </summary>
    public static IReadOnlyList<string> Mismatches(IEnumerable<ApiRoute> routes, JsonObject operations)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(operations);
        var names = routes.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. names.Where(n => !operations.ContainsKey(n)).Order(StringComparer.Ordinal).Select(n => $"route '{n}' has no entry in operations.json"),
            .. operations.Select(o => o.Key).Where(n => !names.Contains(n)).Order(StringComparer.Ordinal).Select(n => $"operations.json entry '{n}' names no route"),
        ];
    }

    /// <summary>
    /// Builds the document of <paramref name="routes"/> from the data (<paramref name="documentJson"/>: the document without
    /// paths; <paramref name="operationsJson"/>: operations by route name). Throws <see cref="InvalidOperationException"/>
    /// listing every problem: a route without data or data without a route, a field the data may not set, a path parameter
    /// the data does not describe, an error status the route's access already answers.
    /// </summary>
    public static string Generate(IReadOnlyList<ApiRoute> routes, string documentJson, string operationsJson)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var data = JsonNode.Parse(documentJson) as JsonObject ?? throw new InvalidOperationException("document.json must be a JSON object");
        var operations = JsonNode.Parse(operationsJson) as JsonObject ?? throw new InvalidOperationException("operations.json must be a JSON object");
        var problems = Mismatches(routes, operations).ToList();
        if (data.ContainsKey("paths") || data.ContainsKey("security"))
        {
            problems.Add("document.json may not set paths or security: they come from the route table");
        }

        var components = data["components"] as JsonObject ?? [];
        var parameters = components["parameters"] as JsonObject ?? [];
        var paths = new JsonObject();
        foreach (var route in routes.Where(r => operations.ContainsKey(r.Name)))
        {
            var path = "/" + ApiRoutes.Prefix + "/" + route.Path;
            var method = route.Method.ToLowerInvariant();
            if (paths[path] is not JsonObject item)
            {
                paths[path] = item = [];
            }

            if (item.ContainsKey(method))
            {
                problems.Add($"{route.Method} {path} is declared twice");
                continue;
            }

            item[method] = Operation(route, path, operations[route.Name], parameters, problems);
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("the OpenAPI document cannot be generated: " + string.Join("; ", problems));
        }

        var document = new JsonObject();
        foreach (var (name, value) in data.Where(p => p.Key != "components").ToList())
        {
            document[name] = value?.DeepClone();
        }

        document["paths"] = paths;
        var allComponents = new JsonObject { ["securitySchemes"] = SecuritySchemes() };
        foreach (var (name, value) in components.ToList())
        {
            allComponents[name] = value?.DeepClone();
        }

        document["components"] = allComponents;
        return document.ToJsonString(Output) + "\n";
    }

    private static JsonObject Operation(ApiRoute route, string path, JsonNode? node, JsonObject sharedParameters, List<string> problems)
    {
        var where = $"operations.json '{route.Name}'";
        if (node is not JsonObject data)
        {
            problems.Add($"{where} must be an object");
            return [];
        }

        foreach (var field in data.Select(p => p.Key).Where(f => !OperationFields.Contains(f, StringComparer.Ordinal)))
        {
            problems.Add($"{where} sets '{field}': only {string.Join(", ", OperationFields)} are data, the rest comes from the route table");
        }

        var operation = new JsonObject { ["operationId"] = route.Name };
        foreach (var field in new[] { "summary", "description", "parameters", "requestBody" })
        {
            if (data[field] is { } value)
            {
                operation[field] = value.DeepClone();
            }
        }

        CheckPathParameters(route, path, data["parameters"] as JsonArray, sharedParameters, where, problems);

        var responses = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var (status, response) in data["responses"] as JsonObject ?? [])
        {
            responses[status] = response!.DeepClone();
        }

        if (!responses.Keys.Any(s => s.StartsWith('2')))
        {
            problems.Add($"{where} documents no 2xx response");
        }

        var fromAccess = AccessErrors(route.Access);
        foreach (var (status, reason) in data["errors"] as JsonObject ?? [])
        {
            if (!ErrorCodes.ContainsKey(status) || status is "401" or "500" || fromAccess.ContainsKey(status))
            {
                problems.Add($"{where} lists error {status}: " + (ErrorCodes.ContainsKey(status)
                    ? $"it comes from the route's access ({route.Access}) or the host, not from data"
                    : "not a status ApiError answers"));
                continue;
            }

            responses[status] = ErrorResponse(status, reason?.GetValue<string>() ?? "");
        }

        foreach (var (status, reason) in fromAccess)
        {
            responses[status] = ErrorResponse(status, reason);
        }

        responses["500"] = ErrorResponse("500", "an unexpected error (a bug, never an answer to input); it has been logged");
        operation["responses"] = new JsonObject(responses.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value)));
        operation["security"] = Security(route.Access);
        return operation;
    }

    /// <summary>Every <c>{name}</c> of the route's path is described by exactly one path parameter of the data, and no other.</summary>
    private static void CheckPathParameters(ApiRoute route, string path, JsonArray? parameters, JsonObject shared, string where, List<string> problems)
    {
        var template = TemplateParameter().Matches(path).Select(m => m.Groups[1].Value).ToList();
        if (template.Any(name => !PlainName().IsMatch(name)))
        {
            problems.Add($"route '{route.Name}' ({route.Path}) has a constrained or catch-all parameter, which OpenAPI paths cannot express");
        }

        var described = new List<string>();
        foreach (var parameter in parameters ?? [])
        {
            var resolved = parameter?["$ref"]?.GetValue<string>() is { } reference
                ? reference.StartsWith(ParameterRefPrefix, StringComparison.Ordinal) ? shared[reference[ParameterRefPrefix.Length..]] : null
                : parameter;
            if (resolved is null)
            {
                problems.Add($"{where} refers to {parameter?["$ref"]}, which document.json does not define");
            }
            else if (resolved["in"]?.GetValue<string>() == "path")
            {
                described.Add(resolved["name"]?.GetValue<string>() ?? "");
            }
        }

        if (!template.Order(StringComparer.Ordinal).SequenceEqual(described.Order(StringComparer.Ordinal)))
        {
            problems.Add($"{where} describes path parameters [{string.Join(", ", described)}] but {path} has [{string.Join(", ", template)}]");
        }
    }

    /// <summary>The errors the dispatcher (or, for webhooks, the ingest handler) answers before any work, by access kind.</summary>
    private static Dictionary<string, string> AccessErrors(RouteAccess access) => access switch
    {
        RouteAccess.Anonymous => [],
        RouteAccess.Webhook => new() { ["401"] = "the webhook secret (or JWT) is missing or does not match the instance's; nothing is archived" },
        RouteAccess.Key => new() { ["401"] = "no query key, or not a valid one" },
        RouteAccess.InstanceKey => new()
        {
            ["401"] = "no query key, or not a valid one",
            ["403"] = "the key may not read the instance the request names",
        },
        RouteAccess.UnscopedKey => new()
        {
            ["401"] = "no query key, or not a valid one",
            ["403"] = "the key is limited to some instances; this needs one that is not",
        },
        _ => throw new ArgumentOutOfRangeException(nameof(access), access, null),
    };

    private static JsonArray Security(RouteAccess access) => access switch
    {
        // Explicitly none: anyone may call it.
        RouteAccess.Anonymous => [],
        RouteAccess.Webhook => [new JsonObject { ["webhookSecret"] = new JsonArray() }, new JsonObject { ["webhookJwt"] = new JsonArray() }],
        _ => [new JsonObject { ["queryKey"] = new JsonArray() }, new JsonObject { ["queryKeyCode"] = new JsonArray() }],
    };

    private static JsonObject SecuritySchemes() => new()
    {
        ["queryKey"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = QueryKeyAuthorizer.Header,
            ["description"] = "a query key (Omni:Keys:<name>:Secret); one with Omni:Keys:<name>:Instances reads only those instances, one with Scopes=raw reads raw payloads unredacted",
        },
        ["queryKeyCode"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "query",
            ["name"] = QueryKeyAuthorizer.QueryParameter,
            ["description"] = $"the same query key, as ?{QueryKeyAuthorizer.QueryParameter}= (when the {QueryKeyAuthorizer.Header} header is absent)",
        },
        ["webhookSecret"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = EvolutionWebhookAuthentication.SecretHeader,
            ["description"] = "the instance's webhook secret (Omni:Instances:<name>:WebhookSecret), compared in constant time",
        },
        ["webhookJwt"] = new JsonObject
        {
            ["type"] = "http",
            ["scheme"] = "bearer",
            ["bearerFormat"] = "JWT",
            ["description"] = "a JWT signed HS256 with the instance's webhook secret (Evolution's jwt_key mode); exp is checked with 60 s leeway",
        },
    };

    private static JsonObject ErrorResponse(string status, string reason) => new()
    {
        ["description"] = $"{ErrorCodes[status]}: {reason}",
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = ErrorSchema } } },
    };

    [GeneratedRegex(@"\{([^}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex TemplateParameter();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainName();
}
