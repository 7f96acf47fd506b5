using Omni.Services.Http;

namespace Omni.Local;

/// <summary>The stored contact lists' routes, the same as the Functions app's <c>ContactListsFunctions</c>. Each only delegates.</summary>
public static class ContactListRoutes
{
    public static IEndpointRouteBuilder MapContactListRoutes(this IEndpointRouteBuilder api)
    {
        api.MapGet("/contact-lists/{instance}/{list}", (HttpRequest request, string instance, string list, ContactListsEndpoints endpoints, CancellationToken ct) =>
            endpoints.ListAsync(request, instance, list, ct));
        api.MapPut("/contact-lists/{instance}/{list}/{entry}",
            (HttpRequest request, string instance, string list, string entry, ContactListsEndpoints endpoints, CancellationToken ct) =>
                endpoints.PutAsync(request, instance, list, entry, ct));
        api.MapDelete("/contact-lists/{instance}/{list}/{entry}",
            (HttpRequest request, string instance, string list, string entry, ContactListsEndpoints endpoints, CancellationToken ct) =>
                endpoints.DeleteAsync(request, instance, list, entry, ct));
        return api;
    }
}
