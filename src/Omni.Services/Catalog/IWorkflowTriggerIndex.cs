namespace Omni.Services.Catalog;

/// <summary>
/// Whether any workflow trigger of an instance handles events of a kind and content type: what makes a catalogue
/// shape <c>mapped</c> rather than <c>normalized</c>. The workflow engine registers its own implementation (replacing
/// <see cref="NoWorkflowTriggers"/>); it must answer from memory, as the catalogue asks once per shape per read.
/// </summary>
public interface IWorkflowTriggerIndex
{
#pragma warning disable CA1716 // The name the workflow engine implements; no VB consumers.
    bool Handles(string instance, string eventKind, string contentType);
#pragma warning restore CA1716
}

/// <summary>The default until workflows exist: nothing is handled, every known shape is <c>normalized</c>.</summary>
public sealed class NoWorkflowTriggers : IWorkflowTriggerIndex
{
    public bool Handles(string instance, string eventKind, string contentType) => false;
}
