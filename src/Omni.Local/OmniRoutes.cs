using Omni.Services.Http;
using Omni.Services.Workflows;

namespace Omni.Local;

/// <summary>The HTTP surface: every route of <see cref="ApiRoutes"/>, mapped in one loop to <see cref="ApiDispatcher"/>.</summary>
public static class OmniRoutes
{
    public static WebApplication MapOmniRoutes(this WebApplication app)
    {
        var api = app.MapGroup("/" + ApiRoutes.Prefix);
        foreach (var route in ApiRoutes.All)
        {
            api.MapMethods("/" + route.Path, [route.Method], (HttpRequest request, ApiDispatcher dispatcher) => dispatcher.InvokeAsync(route, request))
                .WithName(route.Name);
        }

        return app;
    }

    /// <summary>This host's deliverer of run events (<c>POST /api/runs/{run_id}/events/{name}</c>): the offline runner.</summary>
    public static IServiceCollection AddLocalRunEvents(this IServiceCollection services) =>
        services.AddSingleton<IWorkflowEventRaiser>(sp => sp.GetRequiredService<WorkflowRunner>());
}
