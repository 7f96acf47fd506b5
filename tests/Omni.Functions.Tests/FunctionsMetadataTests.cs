using System.Reflection;
using System.Text.Json.Nodes;
using Omni.Services.Configuration;
using Omni.Services.Http;
using Omni.Services.Storage;

namespace Omni.Functions.Tests;

/// <summary>
/// The Functions build's output, read as the Functions host reads it: <c>functions.metadata</c> (written by the Worker
/// SDK's generator from our attributes), <c>worker.config.json</c> and <c>extensions.json</c>. The HTTP functions must be
/// exactly the route table (<see cref="ApiRoutes"/>), every queue trigger must read a queue the services write, and the
/// timer triggers must run the reconciliation sweep and the retention cleanup on the schedules docs/operations.md documents.
/// </summary>
public class FunctionsMetadataTests
{
    private static readonly string OutputDirectory = FindOutputDirectory();

    private static JsonArray Metadata => JsonNode.Parse(File.ReadAllText(Path.Combine(OutputDirectory, "functions.metadata")))!.AsArray();

    private static IEnumerable<(string Function, JsonObject Binding)> Triggers(string type) =>
        from function in Metadata
        from binding in function!["bindings"]!.AsArray()
        where string.Equals(binding!["type"]?.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase)
        select (function!["name"]!.GetValue<string>(), binding.AsObject());

    [Fact]
    public void BuildOutput_HasWhatTheFunctionsHostLoads()
    {
        foreach (var file in new[] { "functions.metadata", "worker.config.json", "extensions.json", "host.json" })
        {
            Assert.True(File.Exists(Path.Combine(OutputDirectory, file)), $"{file} is missing from {OutputDirectory}");
        }

        var worker = JsonNode.Parse(File.ReadAllText(Path.Combine(OutputDirectory, "worker.config.json")))!;
        Assert.Equal("Omni.Functions.dll", worker["description"]?["defaultWorkerPath"]?.GetValue<string>());
        var extensions = File.ReadAllText(Path.Combine(OutputDirectory, "extensions.json"));
        Assert.Contains("DurableTask", extensions, StringComparison.Ordinal);
        Assert.Contains("AzureStorageQueues", extensions, StringComparison.Ordinal);
    }

    [Fact]
    public void HttpFunctions_AreExactlyTheRouteTable()
    {
        var functions = Triggers("httpTrigger")
            .SelectMany(t => t.Binding["methods"]!.AsArray().Select(m => $"{t.Function} {m!.GetValue<string>().ToUpperInvariant()} {t.Binding["route"]!.GetValue<string>()}"))
            .ToHashSet(StringComparer.Ordinal);
        var routes = ApiRoutes.All.Select(r => $"{r.Name} {r.Method} {r.Path}").ToHashSet(StringComparer.Ordinal);

        var noFunction = routes.Except(functions).Order(StringComparer.Ordinal).ToList();
        var noRoute = functions.Except(routes).Order(StringComparer.Ordinal).ToList();
        Assert.True(noFunction.Count == 0 && noRoute.Count == 0,
            $"routes without an Azure Function (name verb template): [{string.Join("; ", noFunction)}]; " +
            $"HTTP functions that are not a route of ApiRoutes: [{string.Join("; ", noRoute)}]");
        Assert.Equal(ApiRoutes.All.Count, functions.Count);
    }

    [Fact]
    public void HttpFunctions_AreAnonymous_OmniChecksCallersPerRoute() =>
        Assert.All(Triggers("httpTrigger"), t => Assert.Equal("Anonymous", t.Binding["authLevel"]?.GetValue<string>(), ignoreCase: true));

    [Fact]
    public void QueueTriggers_ReadTheQueuesTheServicesWrite()
    {
        var names = new StorageNames(""); // the Functions app runs with no storage prefix (StorageExtensions)
        var triggered = Triggers("queueTrigger").ToDictionary(t => t.Binding["queueName"]!.GetValue<string>(), t => t.Function, StringComparer.Ordinal);

        Assert.Equal(
            new Dictionary<string, string> { [names.IngestQueue] = "Normalize", [names.WorkflowRunsQueue] = "StartWorkflowRuns" },
            triggered);
        Assert.All(Triggers("queueTrigger"), t => Assert.Equal("AzureWebJobsStorage", t.Binding["connection"]?.GetValue<string>()));
    }

    [Fact]
    public void TimerTriggers_AreTheSweepAndTheRetentionCleanup()
    {
        Assert.Equal(["Reconcile", "Retention"], Triggers("timerTrigger").Select(t => t.Function).Order(StringComparer.Ordinal));
        var (_, binding) = Assert.Single(Triggers("timerTrigger"), t => t.Function == "Retention");
        var schedule = binding["schedule"]!.GetValue<string>();
        Assert.Equal(RetentionOptions.FunctionsSchedule, schedule);
        Assert.NotEqual(true, binding["runOnStartup"]?.GetValue<bool>());

        // Hourly, Omni.Local's default Omni:Retention:Interval; docs/operations.md says so next to the setting.
        Assert.Equal(["0", "*", "*", "*", "*"], schedule.Split(' ').Where((_, i) => i != 1));
        Assert.Equal(TimeSpan.FromHours(1), new RetentionOptions().Interval);
        var operations = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "operations.md"));
        Assert.Contains($"`{schedule}`", operations, StringComparison.Ordinal);
        Assert.Contains("`Omni:Retention:Interval`", operations, StringComparison.Ordinal);
    }

    [Fact]
    public void TimerTrigger_RunsTheReconcileSweepOnTheDocumentedSchedule()
    {
        var (function, binding) = Assert.Single(Triggers("timerTrigger"), t => t.Function == "Reconcile");
        Assert.Equal("Reconcile", function);
        var schedule = binding["schedule"]!.GetValue<string>();
        Assert.Equal(ReconcileOptions.FunctionsSchedule, schedule);
        Assert.NotEqual(true, binding["runOnStartup"]?.GetValue<bool>()); // a cold start must not sweep on every scale-out

        // Every N minutes, N being Omni.Local's default Omni:Reconcile:Interval: both hosts sweep at the same pace.
        var fields = schedule.Split(' ');
        Assert.Equal(new[] { "0", "*", "*", "*", "*" }, fields.Where((_, i) => i != 1));
        var minutes = fields[1] == "*" ? 1 : int.Parse(fields[1].Replace("*/", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new ReconcileOptions().Interval, TimeSpan.FromMinutes(minutes));

        // And docs/operations.md says so, next to the setting.
        var operations = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "operations.md"));
        Assert.Contains($"`{schedule}`", operations, StringComparison.Ordinal);
        Assert.Contains("`Omni:Reconcile:Interval`", operations, StringComparison.Ordinal);
    }

    [Fact]
    public void Orchestration_AndItsActivities_AreRegistered()
    {
        Assert.Equal(["RunWorkflow"], Triggers("orchestrationTrigger").Select(t => t.Function));
        Assert.Equal(["CompleteRunActivity", "ReadConversationActivity", "RunActionActivity", "RunWaitingActivity"],
            Triggers("activityTrigger").Select(t => t.Function).Order(StringComparer.Ordinal));
    }

    /// <summary>src/Omni.Functions/bin/{the configuration these tests were built in}/net10.0, found from the repository root.</summary>
    private static string FindOutputDirectory()
    {
        var configuration = typeof(FunctionsMetadataTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var output = Path.Combine(RepositoryRoot(), "src", "Omni.Functions", "bin", configuration, "net10.0");
        return Directory.Exists(output)
            ? output
            : throw new InvalidOperationException($"{output} does not exist: build src/Omni.Functions ({configuration}) first");
    }

    /// <summary>The folder with Omni.sln, above the test's output.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Omni.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (the folder with Omni.sln)");
    }
}
