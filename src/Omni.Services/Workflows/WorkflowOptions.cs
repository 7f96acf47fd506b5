namespace Omni.Services.Workflows;

/// <summary><c>Omni:Workflows</c>: where the seed playbooks are and how long reads may cache the stored workflows.</summary>
public sealed class WorkflowOptions
{
    public const string Section = "Omni:Workflows";

    /// <summary>
    /// The directory holding the seed playbooks (<c>*.yaml</c>). Unset: the first <c>workflows/</c> directory found walking up
    /// from the application's base directory (the Functions app copies them to its output), then from the current directory.
    /// </summary>
    public string? SeedDirectory { get; set; }

    /// <summary>How long a loaded set of workflows is served before the store is read again (a PUT on this host refreshes at once).</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
