using Omni.Engine.Events;
using static Omni.Engine.Tests.Normalization.DiscordTestPayloads;

namespace Omni.Engine.Tests.Normalization;

/// <summary>Interactions (HTTP and INTERACTION_CREATE): commands, components, modals, autocomplete, ping.</summary>
public class DiscordInteractionTests
{
    private static string Interaction(int type, string data, string extra = "") =>
        $$"""
        {
          "id": "1900000000000000001", "application_id": "900000000000000001", "type": {{type}}, "token": "SECRET_INTERACTION_TOKEN", "version": 1,
          "guild_id": "1200000000000000001", "channel_id": "1100000000000000001",
          "channel": { "id": "1100000000000000001", "type": 0, "guild_id": "1200000000000000001", "name": "general" },
          "member": { "user": { "id": "1400000000000000001", "username": "maria_s", "global_name": "Maria Silva" }, "roles": [], "permissions": "0" },
          "data": {{data}}{{extra}}
        }
        """;

    [Fact]
    public void SlashCommand_Fixture_IsACommandMessageWithNameAndOptions()
    {
        var evt = SingleFixture("interaction-create-slash-command.json");

        Assert.Equal(EventKinds.Message, evt.EventKind);
        Assert.Equal(ContentTypes.Command, evt.ContentType);
        Assert.Equal("/cardsearch cardname:The Gitrog Monster", evt.Text);
        Assert.Equal("application_command", evt.Status);
        Assert.Equal("786008729715212338", evt.ProviderEventId);
        Assert.Equal("645027906669510667", evt.ConversationId);
        Assert.Equal("53908232506183680", evt.SenderHandle);
        Assert.Equal("Mason", evt.SenderName);
        Assert.True(evt.IsGroup);
        Assert.Equal("INTERACTION_CREATE", evt.ProviderEventType);
        Assert.Equal("INTERACTION_CREATE/application_command", evt.Shape);
        Assert.Equal("interaction", Metadata(evt, "delivery").GetString());
        Assert.Equal(new DateTimeOffset(2020, 12, 8, 23, 18, 4, 500, TimeSpan.Zero), evt.OccurredAt);
    }

    [Fact]
    public void Interaction_Token_IsNeverInMetadata()
    {
        var evt = SingleFixture("interaction-create-slash-command.json");

        Assert.False(HasMetadata(evt, "token"));
        Assert.DoesNotContain("A_UNIQUE_TOKEN", evt.ProviderMetadata!.Value.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("cardsearch", Metadata(evt, "data").GetProperty("name").GetString());
    }

    [Fact]
    public void Interaction_SameInteractionByGatewayAndHttp_IsOneEvent()
    {
        var body = Interaction(2, """{ "id": "5", "name": "ping", "type": 1 }""");
        var http = Single(body);
        var gateway = Single(Frame("INTERACTION_CREATE", body));

        Assert.Equal(http.EventId, gateway.EventId);
        Assert.Equal("gateway", Metadata(gateway, "delivery").GetString());
        Assert.False(HasMetadata(gateway, "token"));
    }

    [Fact]
    public void SlashCommand_SubcommandsAndTypedOptions_AreWrittenInOrder()
    {
        var evt = Single(Interaction(2,
            """
            { "id": "5", "name": "config", "type": 1, "options": [
              { "name": "alerts", "type": 2, "options": [
                { "name": "set", "type": 1, "options": [
                  { "name": "channel", "type": 7, "value": "1100000000000000002" },
                  { "name": "threshold", "type": 10, "value": 2.5 },
                  { "name": "enabled", "type": 5, "value": true },
                  { "name": "quiet", "type": 5, "value": false } ] } ] } ] }
            """));

        Assert.Equal("/config alerts set channel:1100000000000000002 threshold:2.5 enabled:true quiet:false", evt.Text);
    }

    [Fact]
    public void Interaction_Autocomplete_IsACommandWithWhatWasTyped()
    {
        var evt = Single(Interaction(4, """{ "id": "5", "name": "cardsearch", "type": 1, "options": [ { "name": "cardname", "type": 3, "value": "Gitr", "focused": true } ] }"""));

        Assert.Equal(ContentTypes.Command, evt.ContentType);
        Assert.Equal("autocomplete", evt.Status);
        Assert.Equal("/cardsearch cardname:Gitr", evt.Text);
        Assert.Equal("INTERACTION_CREATE/autocomplete", evt.Shape);
    }

    [Fact]
    public void UserCommand_Fixture_IsTheCommandsName()
    {
        var evt = SingleFixture("interaction-create-user-command.json");

        Assert.Equal(ContentTypes.Command, evt.ContentType);
        Assert.Equal("context-menu-user-2", evt.Text);
        Assert.Null(evt.TargetMessageId);
        Assert.Equal("809850198683418695", Metadata(evt, "data").GetProperty("target_id").GetString());
    }

    [Fact]
    public void MessageCommand_Fixture_TargetsTheMessage()
    {
        var evt = SingleFixture("interaction-create-message-command.json");

        Assert.Equal("context-menu-message-2", evt.Text);
        Assert.Equal("867793854505943041", evt.TargetMessageId);
        Assert.Equal("167348773423415296", evt.SenderHandle);
    }

    [Fact]
    public void Button_Fixture_IsItsCustomIdOnItsMessage()
    {
        var evt = SingleFixture("interaction-create-button.json");

        Assert.Equal(EventKinds.Message, evt.EventKind);
        Assert.Equal(ContentTypes.Command, evt.ContentType);
        Assert.Equal("click_one", evt.Text);
        Assert.Equal("message_component", evt.Status);
        Assert.Equal("844397162624450620", evt.TargetMessageId);
        Assert.Equal("345626669114982999", evt.ConversationId);
        Assert.Equal("INTERACTION_CREATE/message_component", evt.Shape);
    }

    [Fact]
    public void Interaction_SelectMenu_IsItsCustomIdAndTheChosenValues()
    {
        var evt = Single(Interaction(3, """{ "custom_id": "pick_roles", "component_type": 3, "values": ["admin", "mod"] }""",
            """, "message": { "id": "1300000000000000001", "channel_id": "1100000000000000001", "content": "Pick", "type": 0 }"""));

        Assert.Equal("pick_roles: admin, mod", evt.Text);
        Assert.Equal("1300000000000000001", evt.TargetMessageId);
    }

    [Fact]
    public void Interaction_ModalSubmit_IsItsCustomIdAndEachInput()
    {
        var evt = Single(Interaction(5,
            """
            { "custom_id": "feedback", "components": [
              { "type": 1, "components": [ { "type": 4, "custom_id": "name", "value": "Ann" } ] },
              { "type": 18, "id": 2, "component": { "type": 4, "custom_id": "comments", "value": "Great bot" } },
              { "type": 18, "id": 3, "component": { "type": 3, "custom_id": "rating", "values": ["5"] } } ] }
            """));

        Assert.Equal("feedback name:Ann comments:Great bot rating:5", evt.Text);
        Assert.Equal("modal_submit", evt.Status);
    }

    [Fact]
    public void Interaction_InDirectMessage_IsNotGroupAndReadsTheUser()
    {
        var evt = Single("""
            { "id": "1900000000000000002", "application_id": "9", "type": 2, "token": "T", "version": 1,
              "channel": { "id": "1100000000000000003", "type": 1 }, "channel_id": "1100000000000000003",
              "user": { "id": "1400000000000000005", "username": "solo" }, "context": 1,
              "data": { "id": "5", "name": "help", "type": 1 } }
            """);

        Assert.False(evt.IsGroup);
        Assert.Equal("1400000000000000005", evt.SenderHandle);
        Assert.Equal("solo", evt.SenderName);
        Assert.Equal("/help", evt.Text);
    }

    [Fact]
    public void Interaction_InThread_KeepsThreadAndParentIds()
    {
        var evt = Single(Interaction(2, """{ "id": "5", "name": "help", "type": 1 }""")
            .Replace("\"type\": 0, \"guild_id\"", "\"type\": 11, \"parent_id\": \"1100000000000000000\", \"guild_id\"", StringComparison.Ordinal));

        Assert.Equal("1100000000000000001", Metadata(evt, "thread_id").GetString());
        Assert.Equal("1100000000000000000", Metadata(evt, "thread_parent_id").GetString());
    }

    [Fact]
    public void Interaction_Ping_IsConnectionPing()
    {
        var evt = Single("""{ "id": "1900000000000000009", "application_id": "9", "type": 1, "token": "T", "version": 1 }""");

        Assert.Equal(EventKinds.Connection, evt.EventKind);
        Assert.Equal(ContentTypes.Unknown, evt.ContentType);
        Assert.Equal("ping", evt.Status);
        Assert.Equal("1900000000000000009", evt.ProviderEventId);
    }

    [Fact]
    public void Interaction_UnknownType_IsUnknownNotDropped()
    {
        var evt = Single(Interaction(9, "{}"));

        Assert.Equal(EventKinds.Unknown, evt.EventKind);
        Assert.Equal("INTERACTION_CREATE/type_9", evt.Shape);
    }
}
