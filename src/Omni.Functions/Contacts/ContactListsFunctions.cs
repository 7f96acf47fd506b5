using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Omni.Services.Http;

namespace Omni.Functions.Contacts;

/// <summary>Stored contact lists (blocklist, contact overrides). Each function is a route of <see cref="ApiRoutes"/> (same name, verb and template), run by <see cref="ApiDispatcher"/>.</summary>
public sealed class ContactListsFunctions(ApiDispatcher api)
{
    [Function("ListContactList")]
    public Task<IResult> ListContactList([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "contact-lists/{instance}/{list}")] HttpRequest request) =>
        api.InvokeAsync("ListContactList", request);

    [Function("PutContactListEntry")]
    public Task<IResult> PutContactListEntry([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "contact-lists/{instance}/{list}/{entry}")] HttpRequest request) =>
        api.InvokeAsync("PutContactListEntry", request);

    [Function("DeleteContactListEntry")]
    public Task<IResult> DeleteContactListEntry([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "contact-lists/{instance}/{list}/{entry}")] HttpRequest request) =>
        api.InvokeAsync("DeleteContactListEntry", request);
}
