using Omni.Engine.Workflows;
using Omni.Engine.Workflows.Actions;

namespace Omni.Services.Workflows;

/// <summary>One workflow version as stored or shipped: its YAML and the definition parsed from it.</summary>
public sealed record StoredWorkflow(WorkflowDefinition Definition, string Yaml, string Source, DateTimeOffset? CreatedAt)
{
    public const string SeedSource = "seed";
    public const string StoreSource = "store";
}

/// <summary>The seed playbooks shipped in the repository's <c>workflows/</c> directory: the defaults while the store has no version of an id.</summary>
public static class WorkflowSeeds
{
    public const string DirectoryName = "workflows";

    /// <summary>The configured directory, else the first <c>workflows/</c> found walking up from the base and current directories; null when none.</summary>
    public static string? Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Directory.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{WorkflowOptions.Section}:SeedDirectory '{configured}' does not exist");
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, DirectoryName);
                if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.yaml").Any())
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Parses every <c>*.yaml</c> in <paramref name="directory"/>; a seed that does not validate stops the host with its errors.</summary>
    public static IReadOnlyList<StoredWorkflow> Load(string? directory, ActionRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (directory is null)
        {
            return [];
        }

        var seeds = new List<StoredWorkflow>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var yaml = File.ReadAllText(file);
            var result = WorkflowParser.Parse(yaml, registry);
            if (result.Definition is null)
            {
                throw new InvalidOperationException($"seed workflow {file} is not valid: {string.Join("; ", result.Errors)}");
            }

            seeds.Add(new StoredWorkflow(result.Definition, yaml, StoredWorkflow.SeedSource, null));
        }

        return seeds;
    }
}
