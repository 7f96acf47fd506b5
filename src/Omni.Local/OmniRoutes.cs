using Omni.Services.Http;
using Omni.Services.Workflows;

namespace Omni.Local;

/// <summary>The HTTP surface: every route of <see cref="ApiRoutes"/>, mapped in one loop to <see cref="ApiDispatcher"/>.</summary>
public static class OmniRoutes
{
    public static WebApplication MapOmniRoutes(this WebApplication app)
    {
        // A URL too long for any route answers 414 in the error shape before routing (Kestrel's own limit is raised above it).
        app.Use(async (context, next) =>
        {
            if (ApiFallback.TooLong(context.Request) is { } tooLong)
            {
                await tooLong.ExecuteAsync(context);
                return;
            }

            await next(context);
        });

        var api = app.MapGroup("/" + ApiRoutes.Prefix);
        foreach (var route in ApiRoutes.All)
        {
            api.MapMethods("/" + route.Path, [route.Method], (HttpRequest request, ApiDispatcher dispatcher) => dispatcher.InvokeAsync(route, request))
                .WithName(route.Name);
        }

        // Whatever no route takes (an unknown path, another verb) answers in the error shape, not with an empty body.
        app.MapFallback((HttpRequest request) => ApiFallback.NoRoute(request));
        return app;
    }

    /// <summary>This host's deliverer of run events (<c>POST /api/runs/{run_id}/events/{name}</c>): the offline runner.</summary>
    public static IServiceCollection AddLocalRunEvents(this IServiceCollection services) =>
        services.AddSingleton<IWorkflowEventRaiser>(sp => sp.GetRequiredService<WorkflowRunner>());
}
