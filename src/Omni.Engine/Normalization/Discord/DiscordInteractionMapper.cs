using System.Text;
using System.Text.Json;
using Omni.Engine.Events;
using Omni.Engine.Normalization.WhatsApp;

namespace Omni.Engine.Normalization.Discord;

/// <summary>
/// Interactions, whether POSTed to the Interactions Endpoint URL or dispatched as INTERACTION_CREATE (same object):
/// <c>{ id, application_id, type, data, guild_id?, channel?, channel_id?, member? | user?, message?, token, ... }</c>.
/// Type 1 (PING, answered at ingest) is a <c>connection</c> event; types 2–5 are kind <c>message</c> with content type
/// <c>command</c>, whose <c>status</c> is the interaction type (<c>application_command</c>, <c>message_component</c>,
/// <c>autocomplete</c>, <c>modal_submit</c>) and whose text is what was invoked:
/// <list type="bullet">
/// <item>a slash command: <c>/name subcommand option:value …</c> (<c>/cardsearch cardname:The Gitrog Monster</c>);
/// autocomplete the same with what was typed so far;</item>
/// <item>a user or message command (context menu): its name; a message command's target is <c>target_message_id</c>;</item>
/// <item>a button or select menu: its <c>custom_id</c> (a select's chosen values after <c>": "</c>); the message it
/// is on is <c>target_message_id</c>;</item>
/// <item>a modal: its <c>custom_id</c> and each input as <c>input_id:value</c>.</item>
/// </list>
/// provider_event_id is the interaction id (the gateway and HTTP copies of one interaction are one event), occurred_at
/// the time in that snowflake (interactions carry no timestamp), and the interaction's <c>token</c> is kept out of
/// provider_metadata.
/// </summary>
internal static class DiscordInteractionMapper
{
    private const int PingType = 1;
    private const int ApplicationCommandType = 2;
    private const int MessageComponentType = 3;
    private const int AutocompleteType = 4;
    private const int ModalSubmitType = 5;

    // Application command types (data.type) and option types that nest further options.
    private const int MessageCommandType = 3;
    private const int SubCommandOption = 1;
    private const int SubCommandGroupOption = 2;

    public static OmniEvent Interaction(DiscordContext context, JsonElement interaction)
    {
        var id = interaction.Id("id");
        var type = interaction.Int("type");
        var typeName = DiscordNames.InteractionType(type);
        var providerEventId = id ?? DiscordEventFactory.ContentId(context, interaction);
        var channel = interaction.Obj("channel");
        var conversation = interaction.Id("channel_id") ?? channel?.Id("id");

        if (type == PingType)
        {
            return DiscordEventFactory.Create(context, EventKinds.Connection, ContentTypes.Unknown, providerEventId, typeName, interaction) with
            {
                Status = "ping",
                OccurredAt = DiscordJson.SnowflakeTime(id),
            };
        }

        var user = interaction.Obj("member")?.Obj("user") ?? interaction.Obj("user");
        var sender = user?.Id("id");
        var data = interaction.Obj("data");
        var (text, target) = type switch
        {
            ApplicationCommandType or AutocompleteType when data is { } d => Command(d),
            MessageComponentType when data is { } d => (Component(d), interaction.Obj("message")?.Id("id")),
            ModalSubmitType when data is { } d => (Modal(d), interaction.Obj("message")?.Id("id")),
            _ => (null, null),
        };
        var known = type is ApplicationCommandType or MessageComponentType or AutocompleteType or ModalSubmitType;
        // A thread is channel type 10 (announcement thread), 11 (public) or 12 (private).
        var inThread = channel?.Int("type") is 10 or 11 or 12;
        return DiscordEventFactory.Create(
            context,
            known ? EventKinds.Message : EventKinds.Unknown,
            known ? ContentTypes.Command : ContentTypes.Unknown,
            providerEventId,
            typeName,
            interaction,
            new ProviderMetadata.Added()
                .Text("thread_id", inThread ? conversation : null)
                .Text("thread_parent_id", inThread ? channel?.Id("parent_id") : null)) with
        {
            ConversationId = conversation,
            SenderHandle = sender,
            SenderName = DiscordJson.DisplayName(user),
            FromMe = context.IsMe(sender),
            // A guild's channel, or a group DM (channel type 3).
            IsGroup = interaction.Id("guild_id") is not null || channel?.Int("type") == 3,
            Text = text,
            TargetMessageId = target,
            Status = typeName,
            OccurredAt = DiscordJson.SnowflakeTime(id),
        };
    }

    /// <summary>Application command data <c>{ id, name, type, options?, target_id?, resolved? }</c>.</summary>
    private static (string? Text, string? Target) Command(JsonElement data)
    {
        var name = data.NonBlank("name");
        if (data.Int("type") is { } commandType and not 1)
        {
            // User (2), message (3) and primary entry point (4) commands have no options: their name says it all.
            return (name, commandType == MessageCommandType ? data.Id("target_id") : null);
        }

        var text = new StringBuilder("/").Append(name);
        AppendOptions(text, data, depth: 0);
        return (text.ToString(), null);
    }

    /// <summary>Options in order: a subcommand (group) by name followed by its own options, a value as <c>name:value</c>.</summary>
    private static void AppendOptions(StringBuilder text, JsonElement parent, int depth)
    {
        if (depth > 3)
        {
            return;
        }

        foreach (var option in parent.Objects("options"))
        {
            var name = option.NonBlank("name");
            if (name is null)
            {
                continue;
            }

            if (option.Int("type") is SubCommandOption or SubCommandGroupOption)
            {
                text.Append(' ').Append(name);
                AppendOptions(text, option, depth + 1);
            }
            else if (option.Prop("value") is { } value && DiscordJson.ScalarText(value) is { } valueText)
            {
                text.Append(' ').Append(name).Append(':').Append(valueText);
            }
        }
    }

    /// <summary>Component data <c>{ custom_id, component_type, values? }</c>: the custom id, a select menu's values after it.</summary>
    private static string? Component(JsonElement data)
    {
        var customId = data.Str("custom_id");
        var values = data.Arr("values")?.EnumerateArray().Select(DiscordJson.ScalarText).OfType<string>().ToList() ?? [];
        return values.Count == 0 ? customId : customId + ": " + string.Join(", ", values);
    }

    /// <summary>
    /// Modal data <c>{ custom_id, components: [...] }</c>: inputs sit in action rows (<c>components</c>) or labels
    /// (<c>component</c>); each with a <c>custom_id</c> and a <c>value</c> (or a select's <c>values</c>) is written
    /// <c>id:value</c>.
    /// </summary>
    private static string? Modal(JsonElement data)
    {
        var text = new StringBuilder(data.Str("custom_id") ?? string.Empty);
        AppendInputs(text, data, depth: 0);
        var result = text.ToString().Trim();
        return result.Length == 0 ? null : result;
    }

    private static void AppendInputs(StringBuilder text, JsonElement parent, int depth)
    {
        if (depth > 4)
        {
            return;
        }

        var children = parent.Objects("components");
        if (parent.Obj("component") is { } single)
        {
            children.Add(single);
        }

        foreach (var component in children)
        {
            var customId = component.NonBlank("custom_id");
            var value = component.Prop("value") is { } v ? DiscordJson.ScalarText(v) : null;
            var values = component.Arr("values")?.EnumerateArray().Select(DiscordJson.ScalarText).OfType<string>().ToList();
            if (customId is not null && (value is not null || values is not null))
            {
                text.Append(' ').Append(customId).Append(':').Append(value ?? string.Join(",", values!));
            }

            AppendInputs(text, component, depth + 1);
        }
    }
}
