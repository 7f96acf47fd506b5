using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Contacts;

/// <summary>
/// Stored contact lists (read by <c>guard.blocklist</c> and <c>guard.contact_override.&lt;label&gt;</c>):
/// <c>GET /api/contact-lists/{instance}/{list}</c>, <c>PUT|DELETE /api/contact-lists/{instance}/{list}/{entry}</c>.
/// </summary>
/// <remarks>Anonymous: Omni checks its own query keys (see <c>WebhookFunction</c>).</remarks>
public sealed class ContactListsFunctions(ContactListsEndpoints endpoints)
{
    [Function("ListContactList")]
    public Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "contact-lists/{instance}/{list}")] HttpRequest request,
        string instance,
        string list,
        CancellationToken cancellationToken) =>
        endpoints.ListAsync(request, instance, list, cancellationToken);

    [Function("PutContactListEntry")]
    public Task<IResult> PutAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "contact-lists/{instance}/{list}/{entry}")] HttpRequest request,
        string instance,
        string list,
        string entry,
        CancellationToken cancellationToken) =>
        endpoints.PutAsync(request, instance, list, entry, cancellationToken);

    [Function("DeleteContactListEntry")]
    public Task<IResult> DeleteAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "contact-lists/{instance}/{list}/{entry}")] HttpRequest request,
        string instance,
        string list,
        string entry,
        CancellationToken cancellationToken) =>
        endpoints.DeleteAsync(request, instance, list, entry, cancellationToken);
}
