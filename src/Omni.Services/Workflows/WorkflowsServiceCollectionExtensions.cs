using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Omni.Engine.Workflows.Actions;
using Omni.Services.Actions;
using Omni.Services.Catalog;
using Omni.Services.Http;
using Omni.Services.Traces;
using Omni.Services.Workflows.Shadow;

namespace Omni.Services.Workflows;

public static class WorkflowsServiceCollectionExtensions
{
    /// <summary>The workflow store (stored versions + seed playbooks), its trigger index for the catalogue, and the config API handlers.</summary>
    public static IServiceCollection AddOmniWorkflows(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(WorkflowOptions.Section).Get<WorkflowOptions>() ?? new WorkflowOptions();
        services.TryAddSingleton(options);
        services.TryAddSingleton(ActionRegistry.Default);
        services.TryAddSingleton<WorkflowStore>();
        services.Replace(ServiceDescriptor.Singleton<IWorkflowTriggerIndex, WorkflowTriggerIndex>());
        services.TryAddSingleton<WorkflowsEndpoints>();
        services.TryAddSingleton<RegistryEndpoints>();

        // The run records and use cases both hosts share, the offline runner, and the audit log (the executors come from AddOmniActions).
        services.AddOmniActions(configuration);
        services.TryAddSingleton<WorkflowRunStore>();
        services.TryAddSingleton<WorkflowStepExecutor>();
        services.TryAddSingleton<WorkflowActivities>();
        services.TryAddSingleton<WorkflowRunner>();
        services.TryAddSingleton<WorkflowRunInbox>();
        services.Replace(ServiceDescriptor.Singleton<IWorkflowRunLog, WorkflowRunLog>());
        services.TryAddSingleton<WorkflowRunsEndpoints>();
        services.TryAddSingleton<Explain.EventExplainer>();
        services.TryAddSingleton<Explain.ExplainEndpoint>();

        // Shadow replay of a candidate version over stored events (nothing executed but pure guards).
        services.TryAddSingleton(configuration.GetSection(ShadowOptions.Section).Get<ShadowOptions>() ?? new ShadowOptions());
        services.TryAddSingleton<ShadowReplayer>();
        services.TryAddSingleton<ShadowJobs>();
        services.TryAddSingleton<ShadowEndpoints>();
        return services;
    }
}
