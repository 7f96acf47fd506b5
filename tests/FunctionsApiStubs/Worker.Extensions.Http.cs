// STUB of package Microsoft.Azure.Functions.Worker.Extensions.Http (dependency of
// Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore 2.1.0), checked against Azure/azure-functions-dotnet-worker:
//   HttpTriggerAttribute  extensions/Worker.Extensions.Http/src/HttpTriggerAttribute.cs (all four constructors, Route,
//                         Methods, AuthLevel)
//   AuthorizationLevel    extensions/Worker.Extensions.Http/src/AuthorizationLevel.cs (namespace
//                         Microsoft.Azure.Functions.Worker; Anonymous = 0 .. Admin = 4)
// Compile-time stand-in only: see src/Omni.Functions/README.md.

using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Microsoft.Azure.Functions.Worker;

public enum AuthorizationLevel
{
    Anonymous = 0,
    User = 1,
    Function = 2,
    System = 3,
    Admin = 4,
}

public sealed class HttpTriggerAttribute : TriggerBindingAttribute
{
    public HttpTriggerAttribute() => throw new NotImplementedException();

    public HttpTriggerAttribute(params string[] methods) => throw new NotImplementedException();

    public HttpTriggerAttribute(AuthorizationLevel authLevel) => throw new NotImplementedException();

    public HttpTriggerAttribute(AuthorizationLevel authLevel, params string[] methods) => throw new NotImplementedException();

    public string? Route { get; set; }

    public string[]? Methods { get; private set; }

    public AuthorizationLevel AuthLevel { get; private set; }
}
