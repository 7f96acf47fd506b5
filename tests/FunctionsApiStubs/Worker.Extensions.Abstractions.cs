// STUB of package Microsoft.Azure.Functions.Worker.Extensions.Abstractions (transitive dependency of
// Microsoft.Azure.Functions.Worker 2.51.0 and of every Worker.Extensions.* package), checked against
// Azure/azure-functions-dotnet-worker:
//   extensions/Worker.Extensions.Abstractions/src/BindingAttribute.cs       (0731f01f)
//   extensions/Worker.Extensions.Abstractions/src/InputBindingAttribute.cs  (86f52b8b)
//   TriggerBindingAttribute: only an old revision of its file is in the index (it took a name then); the current one
//   has a parameterless constructor like its siblings, and its Parameter target is where every trigger goes.
// Compile-time stand-in only: see src/Omni.Functions/README.md.

namespace Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

[AttributeUsage(AttributeTargets.Method)]
public abstract class BindingAttribute : Attribute
{
}

[AttributeUsage(AttributeTargets.Parameter)]
public abstract class InputBindingAttribute : BindingAttribute
{
}

[AttributeUsage(AttributeTargets.Parameter)]
public abstract class TriggerBindingAttribute : BindingAttribute
{
}
