using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Omni.Engine.Json;
using Omni.Engine.Workflows.Actions;
using Omni.Local.Tests.Support;
using Omni.Services.Workflows;
using Omni.TestSupport;

namespace Omni.Local.Tests;

/// <summary>The workflow config API through HTTP: seeds as defaults, validation with positions, immutable versions, the registry.</summary>
[Collection(UsesAzurite.Name)]
public sealed class WorkflowsApiTests(AzuriteFixture azurite)
{
    private const string Head = "id: greet\nversion: 1\ntrigger:\n  event_kinds: [message]\nsteps:\n";

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, string yaml)
    {
        using var request = new HttpRequestMessage(method, path) { Content = Yaml(yaml) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonSerializer.Deserialize<JsonElement>(text, OmniJson.Options));
    }

    private static string Greeting(int version, string text) =>
        $"id: greet\nversion: {version}\ntrigger:\n  event_kinds: [message]\n  content_types: [text]\n  when: \"!from_me\"\n" +
        $"steps:\n  - id: hello\n    action: route.reply\n    with: {{ text: \"{text}\" }}\n";

    [Fact]
    public async Task List_EmptyStore_SeedPlaybooksAreTheDefaults()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var workflows = (await host.GetJsonAsync("/api/workflows")).GetProperty("workflows").EnumerateArray().ToList();
        var seedFiles = Directory.GetFiles(WorkflowSeeds.Locate(null)!, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(seedFiles, workflows.Select(w => w.GetProperty("id").GetString()));
        Assert.All(workflows, w =>
        {
            Assert.Equal("seed", w.GetProperty("source").GetString());
            Assert.Equal("*", w.GetProperty("scope").GetString());
            Assert.True(w.GetProperty("effective").GetBoolean());
        });

        var seed = await host.GetJsonAsync("/api/workflows/reply-to-direct-text");
        Assert.Equal(1, seed.GetProperty("version").GetInt32());
        Assert.Contains("route.agent.default", seed.GetProperty("yaml").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown_action", "  - id: a\n    action: route.teleport\n", 7, 13)]
    [InlineData("condition_syntax", "  - id: a\n    action: route.reply\n    when: \"from_me &&\"\n    with: { text: hi }\n", 8, 0)]
    [InlineData("cycle", "  - id: first\n    action: meta.analytics.log\n    with: { name: a }\n  - id: second\n    action: meta.analytics.log\n    with: { name: b }\n    next: first\n", 12, 11)]
    public async Task Put_InvalidYaml_400WithLinePreciseErrorsAndNothingStored(string code, string steps, int line, int column)
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var (status, body) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/greet", Head + steps);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("bad_request", body.GetProperty("error").GetProperty("code").GetString());
        var error = Assert.Single(body.GetProperty("error").GetProperty("details").EnumerateArray(), e => e.GetProperty("code").GetString() == code);
        Assert.Equal(line, error.GetProperty("line").GetInt32());
        if (column > 0)
        {
            Assert.Equal(column, error.GetProperty("column").GetInt32());
        }
        else
        {
            Assert.True(error.GetProperty("column").GetInt32() > 1, error.ToString());
        }

        // The same verdict from validate, as 200; and nothing was stored.
        var (validateStatus, verdict) = await SendAsync(host.Client, HttpMethod.Post, "/api/workflows/validate", Head + steps);
        Assert.Equal(HttpStatusCode.OK, validateStatus);
        Assert.False(verdict.GetProperty("valid").GetBoolean());
        Assert.Contains(verdict.GetProperty("errors").EnumerateArray(), e => e.GetProperty("code").GetString() == code && e.GetProperty("line").GetInt32() == line);
        using var missing = await host.Client.GetAsync("/api/workflows/greet");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Put_NewVersion_EffectiveOnNextGetAndInTheCatalogueWithoutRestart()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var (valid, verdict) = await SendAsync(host.Client, HttpMethod.Post, "/api/workflows/validate", Greeting(1, "hi"));
        Assert.Equal(HttpStatusCode.OK, valid);
        Assert.True(verdict.GetProperty("valid").GetBoolean(), verdict.ToString());
        Assert.Empty(verdict.GetProperty("errors").EnumerateArray());

        var (created, v1) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/greet", Greeting(1, "hi"));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("store", v1.GetProperty("source").GetString());
        Assert.Equal(1, (await host.GetJsonAsync("/api/workflows/greet")).GetProperty("version").GetInt32());

        var (again, conflict) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/greet", Greeting(1, "changed"));
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("version 2", conflict.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        var (next, _) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/greet", Greeting(2, "hello again"));
        Assert.Equal(HttpStatusCode.Created, next);
        var current = await host.GetJsonAsync("/api/workflows/greet");
        Assert.Equal(2, current.GetProperty("version").GetInt32());
        Assert.Contains("hello again", current.GetProperty("yaml").GetString(), StringComparison.Ordinal);
        Assert.Equal([2, 1], current.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        var old = await host.GetJsonAsync("/api/workflows/greet?version=1");
        Assert.Contains("hi", old.GetProperty("yaml").GetString(), StringComparison.Ordinal);
        Assert.False(old.GetProperty("effective").GetBoolean());
        Assert.Contains((await host.GetJsonAsync("/api/workflows")).GetProperty("workflows").EnumerateArray(),
            w => w.GetProperty("id").GetString() == "greet" && w.GetProperty("version").GetInt32() == 2);

        // A second host on the same storage (another instance of the app) sees it from the store, not from memory.
        await using var other = await OmniHost.StartAsync(azurite, prefix: host.Prefix, consumer: false);
        Assert.Equal(2, (await other.GetJsonAsync("/api/workflows/greet")).GetProperty("version").GetInt32());

        // A seed can be superseded by a newer stored version.
        var seedYaml = (await host.GetJsonAsync("/api/workflows/ignore-self")).GetProperty("yaml").GetString()!;
        var (seedNext, _) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/ignore-self", seedYaml.Replace("version: 1", "version: 2", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, seedNext);
        var superseded = await host.GetJsonAsync("/api/workflows/ignore-self");
        Assert.Equal("store", superseded.GetProperty("source").GetString());
        Assert.Equal(["store", "seed"], superseded.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("source").GetString()));
    }

    [Fact]
    public async Task Put_BadRequests_ClearErrors()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var (mismatch, body) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/other", Greeting(1, "hi"));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch);
        Assert.Contains("does not match", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        var (badScope, _) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/greet", Greeting(1, "hi").Replace("version: 1", "version: 1\nscope: nowhere", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, badScope);

        var (notYaml, _) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/greet", "{{{ not yaml");
        Assert.Equal(HttpStatusCode.BadRequest, notYaml);

        var (empty, _) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/greet", "  ");
        Assert.Equal(HttpStatusCode.BadRequest, empty);

        var (tooLarge, _) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/greet", "# " + new string('x', 40_000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);

        using var badVersion = await host.Client.GetAsync("/api/workflows/ignore-self?version=abc");
        Assert.Equal(HttpStatusCode.BadRequest, badVersion.StatusCode);

        using var noKey = new HttpClient { BaseAddress = host.Client.BaseAddress };
        using var denied = await noKey.PutAsync("/api/workflows/greet", Yaml(Greeting(1, "hi")));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
    }

    [Fact]
    public async Task Put_ScopedKey_MayOverrideItsInstanceOnlyAndSeesOnlyItsScopes()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false, settings: new Dictionary<string, string?>
        {
            ["Omni:Keys:scoped:Secret"] = "scoped-key",
            ["Omni:Keys:scoped:Instances"] = OmniHost.Instance,
        });
        using var scoped = new HttpClient { BaseAddress = host.Client.BaseAddress };
        scoped.DefaultRequestHeaders.Add("x-functions-key", "scoped-key");

        var (global, _) = await SendAsync(scoped, HttpMethod.Put, "/api/workflows/greet", Greeting(1, "hi"));
        Assert.Equal(HttpStatusCode.Forbidden, global);
        var (own, _) = await SendAsync(scoped, HttpMethod.Put, "/api/workflows/greet", Greeting(1, "hi").Replace("version: 1", "version: 1\nscope: demo", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, own);
        var (foreign, _) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/greet", Greeting(2, "hi").Replace("version: 2", "version: 2\nscope: nosecret", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, foreign);

        using var listed = await scoped.GetAsync("/api/workflows/greet");
        var body = JsonSerializer.Deserialize<JsonElement>(await listed.Content.ReadAsStringAsync());
        Assert.Equal(1, body.GetProperty("version").GetInt32()); // the nosecret override (version 2) is not visible to it
        Assert.Equal("demo", body.GetProperty("scope").GetString());
        Assert.True(body.GetProperty("effective").GetBoolean());
    }

    [Fact]
    public async Task SchemaAndRegistry_DescribeEveryAction()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var schema = await host.GetJsonAsync("/api/workflows/schema");
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.GetProperty("$schema").GetString());

        var actions = (await host.GetJsonAsync("/api/registry/actions")).GetProperty("actions").EnumerateArray().ToList();
        var ids = actions.Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Contains("route.reply", ids);
        Assert.Contains("guard.rate_limit", ids);
        var stt = actions.Single(a => a.GetProperty("id").GetString() == "transform.stt.audio");
        Assert.Equal(["groq", "openai", "assemblyai"], stt.GetProperty("providers").EnumerateArray().Select(p => p.GetString()));
        var reply = actions.Single(a => a.GetProperty("id").GetString() == "route.reply");
        Assert.True(reply.GetProperty("is_side_effect").GetBoolean());
        Assert.Contains(reply.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "text");
        Assert.Equal("object", reply.GetProperty("parameters_schema").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("transform.translate", "transform", "to", "text")]
    [InlineData("transform.describe.video", "transform", "prompt", "text")]
    [InlineData("validate.safety", "validate", "text", "categories")]
    [InlineData("workflow.smart_decision", "workflow", "branches", "branch")]
    public async Task Registry_SeedAction_ListedWithParameterAndOutputSchemas(string id, string category, string parameter, string output)
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);

        var action = (await host.GetJsonAsync("/api/registry/actions")).GetProperty("actions").EnumerateArray()
            .Single(a => a.GetProperty("id").GetString() == id);

        Assert.Equal(category, action.GetProperty("category").GetString());
        Assert.True(action.GetProperty("parameters_schema").GetProperty("properties").TryGetProperty(parameter, out _));
        var outputs = action.GetProperty("output_schema");
        Assert.Equal("object", outputs.GetProperty("type").GetString());
        Assert.True(outputs.GetProperty("properties").TryGetProperty(output, out _));
        Assert.Contains("provider", outputs.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Registry_EveryActionWithParameterAndOutputSchema()
    {
        await using var host = await OmniHost.StartAsync(azurite, consumer: false);
        var actions = (await host.GetJsonAsync("/api/registry/actions")).GetProperty("actions").EnumerateArray().ToList();
        Assert.All(actions, a =>
        {
            Assert.Equal("object", a.GetProperty("parameters_schema").GetProperty("type").GetString());
            var schema = a.GetProperty("output_schema");
            Assert.Equal("object", schema.GetProperty("type").GetString());
            Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
            Assert.Equal(
                a.GetProperty("outputs").EnumerateArray().Select(f => f.GetProperty("name").GetString()),
                schema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        });

        var agent = actions.Single(a => a.GetProperty("id").GetString() == "route.agent.default");
        Assert.Equal(["text", "agent", "model", "history"], agent.GetProperty("outputs").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal("string", agent.GetProperty("output_schema").GetProperty("properties").GetProperty("text").GetProperty("type").GetString());
        Assert.Equal(["text", "agent", "model", "history"], agent.GetProperty("output_schema").GetProperty("required").EnumerateArray().Select(r => r.GetString()));

        var guard = actions.Single(a => a.GetProperty("id").GetString() == "guard.rate_limit");
        var reason = guard.GetProperty("outputs").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "reason");
        Assert.Equal(("string", false), (reason.GetProperty("type").GetString(), reason.GetProperty("always").GetBoolean()));
        Assert.Equal(["string", "null"], guard.GetProperty("output_schema").GetProperty("properties").GetProperty("reason").GetProperty("type").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Validate_ErrorsOfEveryKind_AllInOneAnswer()
    {
        // transform.shout is in this host's registry but has no executor: action_not_available, reported together with
        // the parser's and validator's errors (it used to appear only once those were fixed).
        var shout = new ActionDescriptor
        {
            Id = "transform.shout",
            Description = "Upper-cases the text.",
            Outputs = [new OutputField("text", OutputType.Text, "The text, upper-cased.")],
        };
        await using var host = await OmniHost.StartAsync(azurite, consumer: false,
            configure: builder => builder.Services.AddSingleton(ActionRegistry.Default.With(shout)));
        var yaml = Head +
                   "  - id: loud\n" +
                   "    action: transform.shout\n" +
                   "  - id: reply\n" +
                   "    action: route.reply\n" +
                   "    with: { text: \"{{ steps.loud.output.txet }}\", loud: true }\n" +
                   "  - id: broken\n" +
                   "    with: { text: hi }\n";
        var (status, verdict) = await SendAsync(host.Client, HttpMethod.Post, "/api/workflows/validate", yaml);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(verdict.GetProperty("valid").GetBoolean());
        var errors = verdict.GetProperty("errors").EnumerateArray()
            .Select(e => $"{e.GetProperty("line").GetInt32()}:{e.GetProperty("column").GetInt32()} {e.GetProperty("code").GetString()}")
            .ToList();
        Assert.Equal(["7:13 action_not_available", "10:41 unknown_output_field", "10:51 unknown_parameter", "11:5 invalid_step"], errors);

        var (put, rejected) = await SendAsync(host.Client, HttpMethod.Put, "/api/workflows/greet", yaml);
        Assert.Equal(HttpStatusCode.BadRequest, put);
        Assert.Equal(4, rejected.GetProperty("error").GetProperty("details").GetArrayLength());
    }

    [Fact]
    public async Task Catalog_SeedTriggers_ShapesHandledByAWorkflowAreMapped()
    {
        await using var host = await OmniHost.StartAsync(azurite);
        await host.IngestAsync(EvolutionPayloads.Text("3EB0MAPPED01", "hello"));
        var entry = await OmniHost.EventuallyAsync(
            async () => (await host.GetJsonAsync("/api/catalog/demo")).GetProperty("entries").EnumerateArray().ToList(),
            entries => entries.Count > 0, "the text shape in the catalogue");
        Assert.Equal("mapped", Assert.Single(entry).GetProperty("status").GetString());
    }
}
