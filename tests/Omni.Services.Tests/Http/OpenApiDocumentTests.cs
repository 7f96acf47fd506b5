using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;
using Omni.Services.Http;
using OmniOpenApi = Omni.Services.Http.OpenApiDocument;

namespace Omni.Services.Tests.Http;

/// <summary>
/// The OpenAPI document generated from <see cref="ApiRoutes"/> and the data files in src/Omni.Services/Http/OpenApi: the
/// data names exactly the routes, the paths, security and access errors follow the route table, and Microsoft.OpenApi
/// reads and validates it without a single error or warning. (Omni.Local.Tests checks that docs/openapi.json is this
/// document, byte for byte, as served.)
/// </summary>
public sealed class OpenApiDocumentTests
{
    private static readonly string DocumentData = OmniOpenApi.ReadResource(OmniOpenApi.DocumentResource);
    private static readonly string OperationsData = OmniOpenApi.ReadResource(OmniOpenApi.OperationsResource);

    [Fact]
    public void OperationData_NamesExactlyTheRoutes()
    {
        var operations = JsonNode.Parse(OperationsData)!.AsObject();

        var mismatches = OmniOpenApi.Mismatches(ApiRoutes.All, operations);

        Assert.True(mismatches.Count == 0,
            "src/Omni.Services/Http/OpenApi/operations.json must have one entry per route of ApiRoutes, keyed by its name: " + string.Join("; ", mismatches));
    }

    [Fact]
    public void Generate_RefusesARouteWithoutDataAndDataWithoutARoute()
    {
        var operations = JsonNode.Parse(OperationsData)!.AsObject();
        operations["NoSuchRoute"] = operations["Health"]!.DeepClone();
        var routes = ApiRoutes.All.Append(new ApiRoute("Undocumented", "GET", "undocumented", RouteAccess.Key, (_, _) => Task.FromResult(Results.Ok()))).ToList();

        var error = Assert.Throws<InvalidOperationException>(() => OmniOpenApi.Generate(routes, DocumentData, operations.ToJsonString()));

        Assert.Contains("route 'Undocumented' has no entry in operations.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("operations.json entry 'NoSuchRoute' names no route", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GetEvent", "errors", "401")] // every key route's 401 comes from its access
    [InlineData("ListEvents", "errors", "403")] // an InstanceKey route's 403 too
    [InlineData("GetEvent", "errors", "500")] // and every route's 500 from the host
    [InlineData("GetEvent", "security", null)] // security is derived, never data
    [InlineData("GetEvent", "operationId", null)] // so is the operation id
    public void Generate_RefusesDataTheRouteTableProvides(string route, string field, string? status)
    {
        var operations = JsonNode.Parse(OperationsData)!.AsObject();
        var operation = operations[route]!.AsObject();
        if (status is null)
        {
            operation[field] = new JsonArray();
        }
        else
        {
            operation["errors"]![status] = "repeated";
        }

        Assert.Throws<InvalidOperationException>(() => OmniOpenApi.Generate(ApiRoutes.All, DocumentData, operations.ToJsonString()));
    }

    [Fact]
    public void Generate_RefusesAPathParameterTheDataDoesNotDescribe()
    {
        var operations = JsonNode.Parse(OperationsData)!.AsObject();
        operations["GetRun"]!.AsObject().Remove("parameters");

        var error = Assert.Throws<InvalidOperationException>(() => OmniOpenApi.Generate(ApiRoutes.All, DocumentData, operations.ToJsonString()));

        Assert.Contains("/api/runs/{run_id} has [run_id]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_SecurityAndAccessErrors_FollowTheRouteTable()
    {
        var document = JsonNode.Parse(OmniOpenApi.Json)!;
        var paths = document["paths"]!.AsObject();

        Assert.Equal(ApiRoutes.All.Select(r => "/api/" + r.Path).Distinct().Count(), paths.Count);
        foreach (var route in ApiRoutes.All)
        {
            var operation = paths["/api/" + route.Path]?[route.Method.ToLowerInvariant()];
            Assert.True(operation is not null, $"{route.Method} /api/{route.Path} ({route.Name}) is not in the document");
            Assert.Equal(route.Name, operation["operationId"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{route.Name} has no summary");

            var responses = operation["responses"]!.AsObject();
            var security = operation["security"]!.AsArray().Select(s => s!.AsObject().Single().Key).ToList();
            Assert.Contains("500", responses.Select(r => r.Key));
            switch (route.Access)
            {
                case RouteAccess.Anonymous:
                    Assert.Empty(security);
                    Assert.DoesNotContain("401", responses.Select(r => r.Key));
                    break;
                case RouteAccess.Webhook:
                    Assert.Equal(new[] { "webhookSecret", "webhookJwt" }, security);
                    Assert.Contains("401", responses.Select(r => r.Key));
                    break;
                default:
                    Assert.Equal(new[] { "queryKey", "queryKeyCode" }, security);
                    Assert.Contains("401", responses.Select(r => r.Key));
                    if (route.Access is RouteAccess.InstanceKey or RouteAccess.UnscopedKey)
                    {
                        Assert.Contains("403", responses.Select(r => r.Key));
                    }

                    break;
            }

            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5' && r.Key != "503"))
            {
                Assert.Equal("#/components/schemas/Error", response!["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>());
            }
        }

        Assert.Equal("/", document["servers"]![0]!["url"]!.GetValue<string>());
    }

    [Fact]
    public void Generate_IsDeterministic()
    {
        var again = OmniOpenApi.Generate(ApiRoutes.All, DocumentData, OperationsData);

        Assert.Equal(OmniOpenApi.Json, again);
        Assert.EndsWith("}\n", again, StringComparison.Ordinal);
    }

    [Fact]
    public void MicrosoftOpenApi_ReadsAndValidatesTheDocument_WithoutErrorsOrWarnings()
    {
        var read = Microsoft.OpenApi.OpenApiDocument.Parse(OmniOpenApi.Json, "json");

        Assert.NotNull(read.Document);
        Assert.NotNull(read.Diagnostic);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_0, read.Diagnostic.SpecificationVersion);
        Assert.True(read.Diagnostic.Errors.Count == 0, "reading: " + Describe(read.Diagnostic.Errors));
        Assert.True(read.Diagnostic.Warnings.Count == 0, "reading: " + Describe(read.Diagnostic.Warnings));

        var validator = new OpenApiValidator(ValidationRuleSet.GetDefaultRuleSet());
        new OpenApiWalker(validator).Walk(read.Document);
        Assert.True(!validator.Errors.Any(), "validating: " + Describe(validator.Errors));
        Assert.True(!validator.Warnings.Any(), "validating: " + Describe(validator.Warnings));

        Assert.Equal(ApiRoutes.All.Count, read.Document.Paths.Sum(p => p.Value.Operations?.Count ?? 0));
        Assert.Equal(4, read.Document.Components?.SecuritySchemes?.Count);
    }

    /// <summary>
    /// Microsoft.OpenApi accepts all of these (it read the hand-written document of before without a warning); redocly and
    /// swagger-parser refuse them. Checked here too, so a regression fails without running the linter.
    /// </summary>
    [Fact]
    public void Document_HasNoneOfTheDefectsStricterValidatorsRefuse()
    {
        var problems = new List<string>();
        Walk(JsonNode.Parse(OmniOpenApi.Json)!, "#", problems);

        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    private static void Walk(JsonNode node, string pointer, List<string> problems)
    {
        if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Walk(array[i]!, $"{pointer}/{i}", problems);
            }

            return;
        }

        if (node is not JsonObject obj)
        {
            return;
        }

        if (obj.ContainsKey("nullable") && !obj.ContainsKey("type"))
        {
            problems.Add($"{pointer}: nullable without type (OpenAPI 3.0 ignores it)");
        }

        if (obj["required"] is JsonArray { Count: 0 })
        {
            problems.Add($"{pointer}: required: [] (must list at least one property, or be left out)");
        }

        if (obj["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String && type.GetValue<string>() == "object" &&
            !obj.ContainsKey("properties") && !obj.ContainsKey("additionalProperties") && !obj.ContainsKey("allOf"))
        {
            problems.Add($"{pointer}: a free-form object must say additionalProperties (true, or a schema)");
        }

        foreach (var (name, child) in obj)
        {
            if (child is not null)
            {
                Walk(child, $"{pointer}/{name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}", problems);
            }
        }
    }

    [Fact]
    public void Document_DocumentsTheRealMediaTypes()
    {
        var paths = JsonNode.Parse(OmniOpenApi.Json)!["paths"]!;
        var yaml = JsonNode.Parse(DocumentData)!["components"]!["requestBodies"]!["WorkflowYaml"]!["content"]!.AsObject();

        Assert.Equal(new[] { "application/yaml", "text/yaml", "text/plain" }, yaml.Select(c => c.Key));
        Assert.All(yaml, c => Assert.Equal("string", c.Value!["schema"]!["type"]!.GetValue<string>()));
        Assert.Equal("#/components/requestBodies/WorkflowYaml", paths["/api/workflows/{id}"]!["put"]!["requestBody"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/requestBodies/WorkflowYaml", paths["/api/workflows/validate"]!["post"]!["requestBody"]!["$ref"]!.GetValue<string>());
        Assert.Equal(new[] { "application/schema+json" }, paths["/api/workflows/schema"]!["get"]!["responses"]!["200"]!["content"]!.AsObject().Select(c => c.Key));
    }

    private static string Describe(IEnumerable<OpenApiError> errors) =>
        string.Join("; ", errors.Select(e => $"{e.Pointer}: {e.Message}"));

    private static string Describe(IEnumerable<OpenApiValidatorWarning> warnings) =>
        string.Join("; ", warnings.Select(w => $"{w.Pointer}: {w.Message}"));
}
