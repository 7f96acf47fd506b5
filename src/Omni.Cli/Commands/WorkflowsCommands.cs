using System.CommandLine;
using System.Text.RegularExpressions;
using Omni.Cli.Http;
using Omni.Cli.Output;
using Spectre.Console;

namespace Omni.Cli.Commands;

/// <summary>
/// <c>omni workflows list|get|validate|put|diff</c>: the workflow config API. <c>validate</c> and a refused <c>put</c>
/// print each error under its source line with a caret; <c>diff</c> compares the stored YAML with a file.
/// </summary>
public static partial class WorkflowsCommands
{
    public static Command Build(GlobalOptions globals, CliEnvironment env)
    {
        var workflows = new Command("workflows", "list, read, validate, store and compare workflows");
        workflows.Add(List(globals, env));
        workflows.Add(Get(globals, env));
        workflows.Add(Validate(globals, env));
        workflows.Add(Put(globals, env));
        workflows.Add(Diff(globals, env));
        return workflows;
    }

    private static Command List(GlobalOptions globals, CliEnvironment env)
    {
        var command = new Command("list", "the newest version of each workflow (GET /api/workflows)");
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var answer = await client.GetAsync("api/workflows", ct);
            if (parse.GetValue(globals.Json))
            {
                env.WriteRaw(answer.GetRawText());
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns(Columns);
            foreach (var w in answer.GetProperty("workflows").EnumerateArray())
            {
                table.AddRow([.. Columns.Select(f => Markup.Escape(EventView.Field(w, f)))]);
            }

            env.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(GlobalOptions globals, CliEnvironment env)
    {
        var id = new Argument<string>("ID") { Description = "the workflow id" };
        var version = new Option<int?>("--version") { Description = "a stored version (default: the newest)" };
        var command = new Command("get", "a workflow's YAML (GET /api/workflows/{id})") { id, version };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var answer = await client.GetAsync(WorkflowPath(parse.GetValue(id)!) + (parse.GetValue(version) is { } v ? $"?version={v}" : ""), ct);
            env.WriteRaw(parse.GetValue(globals.Json) ? answer.GetRawText() : EventView.Field(answer, "yaml").TrimEnd('\n'));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Validate(GlobalOptions globals, CliEnvironment env)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "the workflow YAML" };
        var command = new Command("validate", "validate a workflow file without storing it (POST /api/workflows/validate); exit 1 when invalid") { file };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var (name, yaml) = await ReadAsync(parse.GetValue(file)!, ct);
            var answer = await client.SendAsync(HttpMethod.Post, "api/workflows/validate", yaml, "application/yaml", ct);
            if (parse.GetValue(globals.Json))
            {
                env.WriteRaw(answer.GetRawText());
            }
            else if (answer.GetProperty("valid").GetBoolean())
            {
                env.Console.MarkupLine($"{Markup.Escape(name)}: [green]valid[/] ({Markup.Escape(EventView.Field(answer, "id"))} version {EventView.Field(answer, "version")})");
            }
            else
            {
                env.WriteRaw(SourceErrors.Render(name, yaml, answer.GetProperty("errors")));
            }

            return answer.GetProperty("valid").GetBoolean() ? ExitCodes.Ok : ExitCodes.Refused;
        });
        return command;
    }

    private static Command Put(GlobalOptions globals, CliEnvironment env)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "the workflow YAML (its id: names the workflow)" };
        var command = new Command("put", "store a workflow file as a new version (PUT /api/workflows/{id})") { file };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var (name, yaml) = await ReadAsync(parse.GetValue(file)!, ct);
            try
            {
                var answer = await client.SendAsync(HttpMethod.Put, WorkflowPath(IdOf(yaml, name)), yaml, "application/yaml", ct);
                if (parse.GetValue(globals.Json))
                {
                    env.WriteRaw(answer.GetRawText());
                }
                else
                {
                    env.Console.MarkupLine($"stored {Markup.Escape(EventView.Field(answer, "id"))} version {EventView.Field(answer, "version")} (scope {Markup.Escape(EventView.Field(answer, "scope"))})");
                }

                return ExitCodes.Ok;
            }
            catch (OmniApiException e) when (e.Details is { ValueKind: System.Text.Json.JsonValueKind.Array } details)
            {
                await env.Error.WriteLineAsync("error: " + e.Message);
                env.WriteRaw(SourceErrors.Render(name, yaml, details));
                return ExitCodes.Refused;
            }
        });
        return command;
    }

    private static Command Diff(GlobalOptions globals, CliEnvironment env)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "the workflow YAML to compare with the stored newest version" };
        var command = new Command("diff", "unified diff from the stored YAML to a file") { file };
        command.SetApiAction(globals, env, async (parse, client, ct) =>
        {
            var (name, yaml) = await ReadAsync(parse.GetValue(file)!, ct);
            var id = IdOf(yaml, name);
            var stored = await client.GetAsync(WorkflowPath(id), ct);
            var diff = UnifiedDiff.Compute(EventView.Field(stored, "yaml"), yaml,
                $"{id} (stored, version {EventView.Field(stored, "version")})", name);
            env.WriteRaw(diff.Length == 0 ? $"{name} is the same as stored {id} version {EventView.Field(stored, "version")}" : diff);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static readonly string[] Columns = ["id", "version", "scope", "source", "effective", "description"];

    internal static string WorkflowPath(string id) => "api/workflows/" + Uri.EscapeDataString(id);

    internal static async Task<(string Name, string Yaml)> ReadAsync(FileInfo file, CancellationToken ct) =>
        (file.Name, System.Text.Encoding.UTF8.GetString(await SendCommand.ReadAsync(file, ct)));

    /// <summary>The YAML's top-level <c>id:</c> (the route takes the id in its path).</summary>
    internal static string IdOf(string yaml, string name) =>
        TopLevelId().Match(yaml) is { Success: true } m ? m.Groups[1].Value.Trim('"', '\'')
            : throw new UsageException($"{name} has no top-level id: line");

    [GeneratedRegex(@"^id:[ \t]*(\S+)[ \t]*(?:#.*)?$", RegexOptions.Multiline)]
    private static partial Regex TopLevelId();
}
