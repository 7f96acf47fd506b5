using System.Text.Json;
using Omni.Engine.Normalization;
using static Omni.Engine.Tests.Workflows.WorkflowTestSupport;

namespace Omni.Engine.Tests.Normalization;

/// <summary>The drift check's pure comparison and tally.</summary>
public sealed class NormalizationDriftTests
{
    private static Omni.Engine.Events.OmniEvent WithMetadata(string json) => Message() with { ProviderMetadata = JsonDocument.Parse(json).RootElement.Clone() };

    [Fact]
    public void Compare_SameEvent_NoChange_IgnoringWhatIngestAdds()
    {
        var stored = Message() with { IdentityId = "idn_1", NormalizerVersion = 1 };

        Assert.Empty(NormalizationDrift.Compare(stored, Message()));
    }

    [Fact]
    public void Compare_NamesAddedRemovedChangedAndRenamedFields()
    {
        var stored = WithMetadata("""{"key": {"senderPn": "5511@s.whatsapp.net", "id": "A"}, "old": 1}""") with { SenderName = "Ana" };
        var current = WithMetadata("""{"key": {"remoteJidAlt": "5511@s.whatsapp.net", "id": "B"}, "new": true}""") with { SenderName = null, Text = "hi" };

        var changes = NormalizationDrift.Compare(stored, current);

        Assert.Equal(
            [
                new FieldChange("provider_metadata.key.id", FieldChange.Changed),
                new FieldChange("provider_metadata.key.remoteJidAlt", FieldChange.Renamed, "provider_metadata.key.senderPn"),
                new FieldChange("provider_metadata.new", FieldChange.Added),
                new FieldChange("provider_metadata.old", FieldChange.Removed),
                new FieldChange("sender_name", FieldChange.Removed),
                new FieldChange("text", FieldChange.Changed),
            ],
            changes);
    }

    [Fact]
    public void Tally_CountsPerShapeAndField_KeepsThreeSamples()
    {
        var tally = new DriftTally();
        for (var i = 0; i < 5; i++)
        {
            tally.Add("evolution", "messages.upsert/conversation", $"evt_{i}", [new FieldChange("text", FieldChange.Changed)]);
        }

        tally.Add("evolution", "messages.upsert/imageMessage", "evt_img", []);
        tally.AddNotStored("evolution", "messages.upsert/imageMessage", "evt_new");

        var shapes = tally.Shapes;
        var text = Assert.Single(shapes[0].Fields);
        Assert.Equal((5, 5, 5), (shapes[0].EventsCompared, shapes[0].EventsDiffering, text.Count));
        Assert.Equal(["evt_0", "evt_1", "evt_2"], text.SampleEventIds);
        Assert.Equal((1, 0, 1), (shapes[1].EventsCompared, shapes[1].EventsDiffering, shapes[1].EventsNotStored));
    }
}
