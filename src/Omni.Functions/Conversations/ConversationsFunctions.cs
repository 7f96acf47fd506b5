using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Conversations;

/// <summary>Conversations and the catalogue of observed event shapes. Each function is a route of <see cref="ApiRoutes"/> (same name, verb and template), run by <see cref="ApiDispatcher"/>.</summary>
public sealed class ConversationsFunctions(ApiDispatcher api)
{
    [Function("ListConversations")]
    public Task<IResult> ListConversations([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations")] HttpRequest request) =>
        api.InvokeAsync("ListConversations", request);

    [Function("GetConversationTimeline")]
    public Task<IResult> GetConversationTimeline([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations/{instance}/{conversation_id}/timeline")] HttpRequest request) =>
        api.InvokeAsync("GetConversationTimeline", request);

    [Function("GetIdentityConversations")]
    public Task<IResult> GetIdentityConversations([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "identities/{identity_id}/conversations")] HttpRequest request) =>
        api.InvokeAsync("GetIdentityConversations", request);

    [Function("ListCatalog")]
    public Task<IResult> ListCatalog([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog")] HttpRequest request) =>
        api.InvokeAsync("ListCatalog", request);

    [Function("GetCatalog")]
    public Task<IResult> GetCatalog([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "catalog/{instance}")] HttpRequest request) =>
        api.InvokeAsync("GetCatalog", request);
}
