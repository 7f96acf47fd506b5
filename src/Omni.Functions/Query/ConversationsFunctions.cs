using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Query;

/// <summary><c>GET /api/conversations?instance=</c> and <c>GET /api/conversations/{instance}/{conversation_id}/timeline</c>.</summary>
/// <remarks>Anonymous: Omni checks its own query keys (see <c>WebhookFunction</c>). Route variables are spelled after the C# parameters they bind.</remarks>
public sealed class ConversationsFunctions(QueryEndpoints endpoints)
{
    [Function("ListConversations")]
    public Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations")] HttpRequest request,
        CancellationToken cancellationToken) =>
        endpoints.ListConversationsAsync(request, cancellationToken);

    [Function("GetConversationTimeline")]
    public Task<IResult> TimelineAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations/{instance}/{conversationId}/timeline")] HttpRequest request,
        string instance,
        string conversationId,
        CancellationToken cancellationToken) =>
        endpoints.TimelineAsync(request, instance, conversationId, cancellationToken);
}
