using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Omni.Services.Http;

/// <summary>
/// The OpenAPI 3 description of every Omni route, written here by hand (no generator package is available) and served
/// at <c>GET /api/openapi.json</c>; <c>docs/openapi.json</c> is a copy a test keeps identical, and another test fails
/// when Omni.Local maps a route this document does not describe (or describes one that does not exist).
/// </summary>
public static class OpenApiDocument
{
    private static readonly Lazy<string> Document = new(() => Build().ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }) + "\n");

    public static string Json => Document.Value;

    /// <summary><c>GET /api/openapi.json</c>: the contract of every route (public, like any API description).</summary>
    public static Microsoft.AspNetCore.Http.IResult Serve() => Microsoft.AspNetCore.Http.Results.Text(Json, "application/json");

    private static JsonObject Build() => new()
    {
        ["openapi"] = "3.0.3",
        ["info"] = new JsonObject
        {
            ["title"] = "Omni",
            ["version"] = "1.0.0",
            ["description"] = "Omni's HTTP API: provider webhooks in, provider-neutral events out. Query routes take a key in the " +
                              "x-functions-key header (or ?code=); a key scoped to instances gets 403 on others. Every error has the Error shape.",
        },
        ["servers"] = new JsonArray(new JsonObject { ["url"] = "http://127.0.0.1:7071" }),
        ["security"] = new JsonArray(new JsonObject { ["queryKey"] = new JsonArray() }),
        ["paths"] = Paths(),
        ["components"] = new JsonObject
        {
            ["securitySchemes"] = new JsonObject
            {
                ["queryKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = QueryKeyAuthorizer.Header },
                ["webhookSecret"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-webhook-secret" },
                ["webhookJwt"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT (HS256, the instance's webhook secret)" },
            },
            ["schemas"] = Schemas(),
        },
    };

    private static JsonObject Paths() => new()
    {
        ["/api/webhooks/{provider}/{instance}"] = new JsonObject
        {
            ["post"] = Operation("ReceiveWebhook", "A provider delivers an event: archived unchanged, enqueued, answered 202.",
                [PathParam("provider", "the adapter, e.g. evolution"), PathParam("instance", "the configured instance")],
                Response("202", "accepted", Ref("IngestAccepted")), [401, 404, 413],
                body: new JsonObject
                {
                    ["required"] = true,
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } } },
                },
                security: new JsonArray(new JsonObject { ["webhookSecret"] = new JsonArray() }, new JsonObject { ["webhookJwt"] = new JsonArray() })),
        },
        ["/api/events"] = new JsonObject
        {
            ["get"] = Operation("ListEvents",
                "Events, newest first (order=asc: oldest first). Filters combine; without instance, every instance the key may read, merged. " +
                "Pages continue strictly after the last row served: events arriving meanwhile never repeat or shift a page.",
                [
                    QueryParam("instance", "one instance; omitted: all the key may read"),
                    QueryParam("channel", "whatsapp, discord, telegram, slack, webhook"),
                    QueryParam("conversation_id", "one chat (index-served)"),
                    QueryParam("identity_id", "one identity (index-served once events carry identity_id)"),
                    QueryParam("event_kind", "message, message_edit, …, unknown (index-served)"),
                    QueryParam("content_type", "text, image, …"),
                    QueryParam("sender_handle", "one sender handle (index-served)"),
                    QueryParam("from_me", "true or false", "boolean"),
                    QueryParam("from", "inclusive lower bound of occurred_at (else received_at), ISO-8601", "string", "date-time"),
                    QueryParam("to", "exclusive upper bound, ISO-8601", "string", "date-time"),
                    QueryParam("text_contains", "case-insensitive substring of text (at most 200 characters)"),
                    QueryParam("order", "desc (default) or asc; asc reads the whole window (at most 5,000 events)"),
                    LimitParam(50, 500),
                    ContinuationParam(),
                ],
                Response("200", "a page of events", Ref("EventPage")), [400, 401, 403, 404]),
        },
        ["/api/events/{event_id}"] = new JsonObject
        {
            ["get"] = Operation("GetEvent", "One event.", [PathParam("event_id", "evt_{instance}_{32 hex}")],
                Response("200", "the event", Ref("Event")), [401, 403, 404]),
        },
        ["/api/events/{event_id}/raw"] = new JsonObject
        {
            ["get"] = Operation("GetEventRaw", "The archived bytes the event came from, exactly as received, with their original content type.",
                [PathParam("event_id", "the event")],
                new JsonObject
                {
                    ["200"] = new JsonObject
                    {
                        ["description"] = "the raw payload",
                        ["content"] = new JsonObject { ["*/*"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["format"] = "binary" } } },
                    },
                }, [401, 403, 404]),
        },
        ["/api/events/{event_id}/trace"] = new JsonObject
        {
            ["get"] = Operation("GetEventTrace", "How the event went through Omni: ingest, normalize, workflow runs and their steps.",
                [PathParam("event_id", "the event")], Response("200", "the trace", Ref("Trace")), [401, 403, 404]),
        },
        ["/api/deadletters"] = new JsonObject
        {
            ["get"] = Operation("ListDeadLetters", "Quarantined payloads, newest first. Without instance, all instances (unscoped keys only).",
                [QueryParam("instance", "one instance"), LimitParam(50, 500)],
                Response("200", "dead letters", new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("dead_letters"),
                    ["properties"] = new JsonObject { ["dead_letters"] = Array(Ref("DeadLetter")) },
                }), [400, 401, 403]),
        },
        ["/api/replay"] = new JsonObject
        {
            ["post"] = Operation("Replay", "Re-enqueues every archived payload of the instance received in [from, to) (at most 31 days). Idempotent.",
                [], Response("202", "replay started", Ref("ReplayResult")), [400, 401, 403, 404],
                body: new JsonObject
                {
                    ["required"] = true,
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref("ReplayRequest") } },
                }),
        },
        ["/api/conversations"] = new JsonObject
        {
            ["get"] = Operation("ListConversations", "The instance's conversations, most recently active first.",
                [QueryParam("instance", "the instance", required: true), LimitParam(50, 500), ContinuationParam()],
                Response("200", "conversations", new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("conversations"),
                    ["properties"] = new JsonObject { ["conversations"] = Array(Ref("Conversation")), ["continuation"] = Nullable("string") },
                }), [400, 401, 403, 404]),
        },
        ["/api/conversations/{instance}/{conversation_id}/timeline"] = new JsonObject
        {
            ["get"] = Operation("GetConversationTimeline",
                "The chat's newest events (limit), folded: each message once with its current text, edited/deleted flags, reactions, poll " +
                "tallies and receipt; entries oldest first. continuation reads the older part.",
                [
                    PathParam("instance", "the instance"), PathParam("conversation_id", "the chat (URL-encoded)"),
                    LimitParam(200, 1000), ContinuationParam(),
                    QueryParam("raw", "true: attach the folded events to each entry", "boolean"),
                    QueryParam("from", "inclusive lower bound, ISO-8601", "string", "date-time"),
                    QueryParam("to", "exclusive upper bound, ISO-8601", "string", "date-time"),
                ],
                Response("200", "the folded timeline", Ref("Timeline")), [400, 401, 403, 404]),
        },
        ["/api/catalog"] = new JsonObject
        {
            ["get"] = Operation("ListCatalog", "The catalogue of every instance the key may read.", [],
                Response("200", "catalogue entries", CatalogList(withInstance: false)), [401]),
        },
        ["/api/catalog/{instance}"] = new JsonObject
        {
            ["get"] = Operation("GetCatalog", "Every event shape observed on the instance, with counts and status.",
                [PathParam("instance", "the instance")], Response("200", "catalogue entries", CatalogList(withInstance: true)), [401, 403, 404]),
        },
        ["/api/identities"] = new JsonObject
        {
            ["get"] = Operation("SearchIdentities",
                "Identities whose display name contains q (case- and accent-insensitive: mae finds Mãe) or with a handle containing it.",
                [QueryParam("q", "a name or handle fragment; omitted: list identities"), LimitParam(50, 500)],
                Response("200", "identities", Obj(["identities"], new() { ["identities"] = Array(Ref("Identity")) })), [400, 401]),
        },
        ["/api/identities/{identity_id}"] = new JsonObject
        {
            ["get"] = Operation("GetIdentity", "The identity and the handles it owns now.", [IdentityParam()],
                Response("200", "the identity", Ref("Identity")), [401, 404]),
            ["patch"] = Operation("UpdateIdentity", "Sets display_name, preferred_channel and/or entity_type (unscoped keys only).", [IdentityParam()],
                Response("200", "the identity", Ref("Identity")), [400, 401, 403, 404], body: JsonBody(Obj([], new()
                {
                    ["display_name"] = Str(null),
                    ["preferred_channel"] = Str(null),
                    ["entity_type"] = Enum("person", "organization", "group", "bot"),
                }))),
        },
        ["/api/identities/{identity_id}/handles"] = new JsonObject
        {
            ["post"] = Operation("LinkHandle", "Links a handle to the identity, moving it from its current owner (recorded).", [IdentityParam()],
                Response("200", "the link and the identity", Obj(["link", "identity"], new() { ["link"] = Ref("IdentityLink"), ["identity"] = Ref("Identity") })),
                [400, 401, 403, 404, 409], body: JsonBody(Obj(["channel", "handle"], new()
                {
                    ["channel"] = Str(null),
                    ["handle"] = Str(null),
                    ["instance"] = Str("required for slack/webhook handles, refused for global ones"),
                    ["is_primary"] = Bool(),
                }))),
        },
        ["/api/identities/{identity_id}/merge"] = new JsonObject
        {
            ["post"] = Operation("MergeIdentity", "Moves every handle of from_identity_id here and marks it merged_into this identity.", [IdentityParam()],
                Response("200", "the merge", Obj(["merge_id", "merge", "identity", "from_identity"], new()
                {
                    ["merge_id"] = Str(null),
                    ["merge"] = Ref("IdentityLink"),
                    ["identity"] = Ref("Identity"),
                    ["from_identity"] = Ref("Identity"),
                })), [400, 401, 403, 404, 409], body: JsonBody(Obj(["from_identity_id"], new() { ["from_identity_id"] = Str(null) }))),
        },
        ["/api/identities/{identity_id}/unmerge"] = new JsonObject
        {
            ["post"] = Operation("UnmergeIdentity", "Undoes a merge: the handles it moved go back, with their primary flags.", [IdentityParam()],
                Response("200", "the unmerge", Obj(["merge_id", "unmerge", "skipped", "identity", "restored_identity"], new()
                {
                    ["merge_id"] = Str(null),
                    ["unmerge"] = Ref("IdentityLink"),
                    ["skipped"] = Array(Obj(["channel", "handle", "reason"], new() { ["channel"] = Str(null), ["handle"] = Str(null), ["instance"] = Str(null), ["reason"] = Str(null) })),
                    ["identity"] = Ref("Identity"),
                    ["restored_identity"] = Ref("Identity"),
                })), [400, 401, 403, 404, 409], body: JsonBody(Obj(["merge_id"], new() { ["merge_id"] = Str(null) }))),
        },
        ["/api/identities/{identity_id}/events"] = new JsonObject
        {
            ["get"] = Operation("GetIdentityTimeline",
                "Events sent from any handle the identity owns now, across channels and instances, newest first; identity_id is the current owner.",
                [
                    IdentityParam(),
                    QueryParam("from", "inclusive lower bound, ISO-8601", "string", "date-time"),
                    QueryParam("to", "exclusive upper bound, ISO-8601", "string", "date-time"),
                    LimitParam(50, 500),
                    ContinuationParam(),
                ],
                Response("200", "a page of events", Ref("EventPage")), [400, 401, 404]),
        },
        ["/api/identities/{identity_id}/links"] = new JsonObject
        {
            ["get"] = Operation("GetIdentityLinks", "The identity's history of links, merges and unmerges, oldest first.", [IdentityParam()],
                Response("200", "link records", Obj(["links"], new() { ["links"] = Array(Ref("IdentityLink")) })), [401, 404]),
        },
        ["/api/contact-lists/{instance}/{list}"] = new JsonObject
        {
            ["get"] = Operation("GetContactList",
                "A stored contact list of the instance (blocked for guard.blocklist, a label for guard.contact_override.<label>), entries in canonical form. " +
                "A list nobody wrote is empty.",
                [PathParam("instance", "the instance"), ContactListParam()],
                Response("200", "the list", Obj(["instance", "list", "entries"], new()
                {
                    ["instance"] = Str(null),
                    ["list"] = Str(null),
                    ["entries"] = Array(Ref("ContactListEntry")),
                })), [400, 401, 403, 404]),
        },
        ["/api/contact-lists/{instance}/{list}/{entry}"] = new JsonObject
        {
            ["put"] = Operation("PutContactListEntry",
                "Adds a handle or identity id to the list (idempotent): 201 when added, 200 when it was there already. " +
                "Stored canonical: a WhatsApp phone number becomes its JID.",
                [PathParam("instance", "the instance"), ContactListParam(), ContactEntryParam()],
                new JsonObject
                {
                    ["201"] = new JsonObject
                    {
                        ["description"] = "added",
                        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref("ContactListChange") } },
                    },
                    ["200"] = new JsonObject
                    {
                        ["description"] = "already on the list",
                        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref("ContactListChange") } },
                    },
                }, [400, 401, 403, 404]),
            ["delete"] = Operation("DeleteContactListEntry", "Removes a handle or identity id from the list; removed is false when it was not on it.",
                [PathParam("instance", "the instance"), ContactListParam(), ContactEntryParam()],
                Response("200", "the removal", Obj(["instance", "list", "entry", "removed"], new()
                {
                    ["instance"] = Str(null),
                    ["list"] = Str(null),
                    ["entry"] = Str("canonical form"),
                    ["removed"] = Bool(),
                })), [400, 401, 403, 404]),
        },
        ["/api/workflows"] = new JsonObject
        {
            ["get"] = Operation("ListWorkflows",
                "The newest version of each workflow id and scope: stored versions and the seed playbooks the store has no version of. " +
                "A key scoped to instances sees the \"*\" workflows and its instances' overrides.",
                [], Response("200", "workflows", Obj(["workflows"], new() { ["workflows"] = Array(Ref("WorkflowSummary")) })), [401]),
        },
        ["/api/workflows/schema"] = new JsonObject
        {
            ["get"] = Operation("GetWorkflowSchema", "The JSON Schema (draft 2020-12) of the workflow YAML, actions and their parameters included, for editors.", [],
                Response("200", "the JSON Schema", new JsonObject { ["type"] = "object" }), [401]),
        },
        ["/api/workflows/validate"] = new JsonObject
        {
            ["post"] = Operation("ValidateWorkflow", "Validates a workflow's YAML without storing it: every error with its line and column.", [],
                Response("200", "the verdict", Obj(["valid", "errors"], new()
                {
                    ["valid"] = Bool(),
                    ["id"] = Nullable("string"),
                    ["version"] = Nullable("integer"),
                    ["errors"] = Array(Ref("WorkflowError")),
                })), [400, 401, 413], body: YamlBody()),
        },
        ["/api/workflows/{id}"] = new JsonObject
        {
            ["get"] = Operation("GetWorkflow", "The newest (or the given) version of a workflow with its YAML, and the list of its versions.",
                [PathParam("id", "the workflow id"), QueryParam("version", "a stored version; omitted: the newest", "integer")],
                Response("200", "the workflow", Ref("Workflow")), [400, 401, 404]),
            ["put"] = Operation("PutWorkflow",
                "Validates the YAML and stores it as a new, immutable version (newer than every stored or seed version of the id); " +
                "in effect for new events at once on this host, within the cache time (5 s) on others. Scope \"*\" needs an unscoped key.",
                [PathParam("id", "the workflow id; must equal the YAML's id")],
                Response("201", "stored", Ref("WorkflowSummary")), [400, 401, 403, 409, 413], body: YamlBody()),
        },
        ["/api/events/{event_id}/actions"] = new JsonObject
        {
            ["get"] = Operation("GetEventActions", "The action audit log of the event: every workflow run it started, with each step's action, provider, attempts, duration, output summary and error.",
                [PathParam("event_id", "evt_{instance}_{32 hex}")],
                Response("200", "the runs", Obj(["event_id", "runs"], new() { ["event_id"] = Str(null), ["runs"] = Array(Ref("WorkflowRun")) })), [401, 403, 404]),
        },
        ["/api/runs/{run_id}"] = new JsonObject
        {
            ["get"] = Operation("GetRun", "One workflow run: status, outcome, audit, step outcomes and history.", [PathParam("run_id", "wf_{32 hex}")],
                Response("200", "the run", Ref("WorkflowRun")), [401, 404]),
        },
        ["/api/runs/{run_id}/events/{name}"] = new JsonObject
        {
            ["post"] = Operation("RaiseRunEvent",
                "Raises an external event to a run waiting for it (a step's wait_for, e.g. resolved after route.escalate.human); " +
                "the body, if any, is the payload later steps read as steps.<id>.event. 409 when the run is not waiting for this event.",
                [PathParam("run_id", "wf_{32 hex}"), PathParam("name", "the event name: 1-64 of A-Z a-z 0-9 _ - .")],
                Response("202", "delivered", Obj(["run_id", "event", "delivered"], new()
                {
                    ["run_id"] = Str(null),
                    ["event"] = Str(null),
                    ["delivered"] = Bool(),
                })), [400, 401, 404, 409, 413], body: JsonBody(new JsonObject { ["description"] = "any JSON value (optional)" })),
        },
        ["/api/registry/actions"] = new JsonObject
        {
            ["get"] = Operation("ListActions", "The actions workflows may use: id, category, description, parameters (and their JSON Schema), default provider chain.", [],
                Response("200", "actions", Obj(["actions"], new() { ["actions"] = Array(Ref("ActionDescriptor")) })), [401]),
        },
        ["/api/health"] = new JsonObject
        {
            ["get"] = Operation("GetHealth", "Storage reachable, queue and poison depth, last normalized event time. No key needed; names no instance.", [],
                HealthResponses(), [], security: new JsonArray()),
        },
        ["/api/openapi.json"] = new JsonObject
        {
            ["get"] = Operation("GetOpenApi", "This document. No key needed.", [],
                Response("200", "the OpenAPI 3 document", new JsonObject { ["type"] = "object" }), [], security: new JsonArray()),
        },
    };

    private static JsonObject Schemas() => new()
    {
        ["WorkflowSummary"] = Obj(["id", "version", "scope", "source", "effective", "trigger", "steps"], new()
        {
            ["id"] = Str(null),
            ["version"] = new JsonObject { ["type"] = "integer" },
            ["scope"] = Str("\"*\" (the default) or an instance that overrides it"),
            ["description"] = Str(null),
            ["source"] = Enum("store", "seed"),
            ["created_at"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["nullable"] = true },
            ["effective"] = Bool(),
            ["trigger"] = Obj(["event_kinds", "content_types"], new() { ["event_kinds"] = Array(Str(null)), ["content_types"] = Array(Str(null)) }),
            ["steps"] = new JsonObject { ["type"] = "integer" },
        }),
        ["Workflow"] = Obj(["id", "version", "scope", "source", "effective", "yaml", "versions"], new()
        {
            ["id"] = Str(null),
            ["version"] = new JsonObject { ["type"] = "integer" },
            ["scope"] = Str(null),
            ["description"] = Str(null),
            ["source"] = Enum("store", "seed"),
            ["created_at"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["nullable"] = true },
            ["effective"] = Bool(),
            ["yaml"] = Str("the YAML exactly as stored"),
            ["versions"] = Array(Obj(["version", "scope", "source"], new()
            {
                ["version"] = new JsonObject { ["type"] = "integer" },
                ["scope"] = Str(null),
                ["source"] = Enum("store", "seed"),
                ["created_at"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["nullable"] = true },
            })),
        }),
        ["WorkflowRun"] = Obj(["run_id", "instance", "workflow_id", "version", "event_id", "status", "audit", "steps", "history"], new()
        {
            ["run_id"] = Str("wf_{32 hex}: derived from (event id, workflow id, version)"),
            ["instance"] = Str(null),
            ["workflow_id"] = Str(null),
            ["version"] = new JsonObject { ["type"] = "integer" },
            ["event_id"] = Str(null),
            ["status"] = Enum("running", "waiting", "completed"),
            ["outcome"] = Str("completed, skipped or failed, once completed"),
            ["summary"] = Str(null),
            ["created_at"] = Time(),
            ["completed_at"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["nullable"] = true },
            ["waiting_for"] = Str("while waiting: the external event the run waits for (null for a timer)"),
            ["waiting_until"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["nullable"] = true, ["description"] = "while waiting: when the timer fires or the wait times out" },
            ["audit"] = Array(Obj(["step_id", "action_id", "status", "attempts"], new()
            {
                ["step_id"] = Str(null),
                ["action_id"] = Str(null),
                ["status"] = Enum("completed", "failed"),
                ["provider"] = Str(null),
                ["attempts"] = new JsonObject { ["type"] = "integer" },
                ["started_at"] = Time(),
                ["duration_ms"] = new JsonObject { ["type"] = "number" },
                ["summary"] = Str(null),
                ["error"] = Str(null),
                ["tried"] = Array(Obj(["provider", "attempts", "succeeded"], new()
                {
                    ["provider"] = Str(null),
                    ["attempts"] = new JsonObject { ["type"] = "integer" },
                    ["succeeded"] = Bool(),
                    ["error"] = Str("why the provider was passed over: its error, or \"result failed the check\""),
                })),
            })),
            ["steps"] = Array(new JsonObject { ["type"] = "object", ["description"] = "the interpreter's step outcomes at completion" }),
            ["history"] = Array(new JsonObject { ["type"] = "object", ["description"] = "the run's history entries (type discriminator)" }),
        }),
        ["WorkflowError"] = Obj(["code", "message", "line", "column"], new()
        {
            ["code"] = Str("unknown_action, condition_syntax, cycle, … (docs/workflows.md, Validation)"),
            ["message"] = Str(null),
            ["line"] = new JsonObject { ["type"] = "integer" },
            ["column"] = new JsonObject { ["type"] = "integer" },
        }),
        ["ActionDescriptor"] = Obj(["id", "category", "description", "is_side_effect", "providers", "parameters", "parameters_schema"], new()
        {
            ["id"] = Str("e.g. route.reply"),
            ["category"] = Enum("guard", "transform", "route", "validate", "persist", "meta"),
            ["description"] = Str(null),
            ["is_side_effect"] = Bool(),
            ["label_parameter"] = Str("set when the action is also addressable as <id>.<label>"),
            ["providers"] = Array(Str("the default fallback chain, in order")),
            ["parameters"] = Array(Obj(["name", "type", "required"], new()
            {
                ["name"] = Str(null),
                ["type"] = Enum("string", "int", "number", "bool", "duration", "string_list", "enum"),
                ["required"] = Bool(),
                ["description"] = Str(null),
                ["default"] = new JsonObject { ["nullable"] = true },
                ["values"] = Array(Str(null)),
                ["minimum"] = new JsonObject { ["type"] = "integer", ["nullable"] = true },
                ["maximum"] = new JsonObject { ["type"] = "integer", ["nullable"] = true },
            })),
            ["parameters_schema"] = new JsonObject { ["type"] = "object", ["description"] = "JSON Schema of the step's with:" },
        }),
        ["Error"] = Obj(["error"], new()
        {
            ["error"] = Obj(["code", "message"], new()
            {
                ["code"] = Enum("bad_request", "unauthorized", "forbidden", "not_found", "conflict", "payload_too_large", "too_many_requests", "internal"),
                ["message"] = Str("what went wrong, for a human"),
                ["details"] = new JsonObject { ["nullable"] = true, ["description"] = "anything that helps: the parser's message, the offending values" },
            }),
        }),
        ["Event"] = Obj(["event_id", "channel", "provider", "instance", "event_kind", "content_type", "provider_event_id", "received_at", "raw_blob"], new()
        {
            ["event_id"] = Str("evt_{instance}_{32 hex}: a hash of (provider, instance, provider_event_id, event_kind)"),
            ["channel"] = Enum("whatsapp", "discord", "telegram", "slack", "webhook"),
            ["provider"] = Str("the adapter, e.g. evolution"),
            ["instance"] = Str("the configured connection"),
            ["event_kind"] = Enum("message", "message_edit", "message_delete", "reaction", "poll_vote", "receipt", "presence", "connection", "contact", "group", "call", "unknown"),
            ["content_type"] = Enum("text", "image", "audio", "video", "document", "sticker", "location", "contact", "poll", "reaction", "unknown"),
            ["provider_event_id"] = Str("the provider's id for the event"),
            ["provider_event_type"] = Str("the provider's event name, e.g. messages.upsert"),
            ["shape"] = Str("event name + inner message type, e.g. messages.upsert/stickerMessage"),
            ["provider_message_id"] = Str(null),
            ["conversation_id"] = Str(null),
            ["sender_handle"] = Str(null),
            ["sender_name"] = Str(null),
            ["identity_id"] = Str("the resolved identity, when the registry ran"),
            ["from_me"] = Bool(),
            ["is_forwarded"] = Bool(),
            ["is_view_once"] = Bool(),
            ["is_group"] = Bool(),
            ["is_ephemeral"] = Bool(),
            ["text"] = Str(null),
            ["media_mime_type"] = Str(null),
            ["media_size_bytes"] = new JsonObject { ["type"] = "integer", ["format"] = "int64" },
            ["media_duration_seconds"] = new JsonObject { ["type"] = "number" },
            ["media_file_name"] = Str(null),
            ["media_url"] = Str(null),
            ["reply_to_message_id"] = Str(null),
            ["target_message_id"] = Str("the message a reaction, edit, delete, vote or receipt acts on"),
            ["reaction_emoji"] = Str("empty when a reaction is removed"),
            ["status"] = Str("the kind's detail: receipt status, presence/connection state, poll selection, group action"),
            ["occurred_at"] = Time(),
            ["received_at"] = Time(),
            ["raw_blob"] = Str("the archived payload"),
            ["provider_metadata"] = new JsonObject { ["type"] = "object", ["description"] = "the provider's own JSON, inline media stripped" },
        }),
        ["EventPage"] = Obj(["events"], new() { ["events"] = Array(Ref("Event")), ["continuation"] = Nullable("string") }),
        ["Identity"] = Obj(["identity_id", "entity_type", "handles", "created_at", "updated_at"], new()
        {
            ["identity_id"] = Str("idn_{32 hex}"),
            ["display_name"] = Str(null),
            ["entity_type"] = Enum("person", "organization", "group", "bot"),
            ["preferred_channel"] = Str(null),
            ["avatar_url"] = Str(null),
            ["merged_into"] = Str("set while this identity is merged into another"),
            ["merge_id"] = Str("the merge that emptied it"),
            ["created_at"] = Time(),
            ["updated_at"] = Time(),
            ["handles"] = Array(Ref("IdentityHandle")),
        }),
        ["IdentityHandle"] = Obj(["channel", "handle", "is_primary", "linked_by"], new()
        {
            ["channel"] = Str("whatsapp, discord, telegram, slack, webhook"),
            ["handle"] = Str("the provider address as events name it"),
            ["instance"] = Str("only for instance-scoped handles (slack, webhook)"),
            ["is_primary"] = Bool(),
            ["push_name"] = Str(null),
            ["avatar_url"] = Str(null),
            ["phone"] = Str(null),
            ["linked_by"] = Str("ingest, auto_link, link, merge, unmerge"),
            ["link_id"] = Str(null),
            ["evidence_event_id"] = Str(null),
            ["created_at"] = Time(),
            ["updated_at"] = Time(),
        }),
        ["IdentityLink"] = Obj(["link_id", "kind", "identity_id", "moves", "actor", "created_at"], new()
        {
            ["link_id"] = Str(null),
            ["kind"] = Enum("link", "auto_link", "merge", "unmerge"),
            ["identity_id"] = Str(null),
            ["from_identity_id"] = Str(null),
            ["merge_id"] = Str("for an unmerge: the merge it undid"),
            ["moves"] = Array(Obj(["channel", "handle", "to_identity_id"], new()
            {
                ["channel"] = Str(null),
                ["handle"] = Str(null),
                ["instance"] = Str(null),
                ["from_identity_id"] = Str(null),
                ["to_identity_id"] = Str(null),
                ["was_primary"] = Bool(),
                ["is_primary"] = Bool(),
            })),
            ["actor"] = Str(null),
            ["reason"] = Str(null),
            ["evidence_event_id"] = Str(null),
            ["evidence_raw_blob"] = Str(null),
            ["created_at"] = Time(),
        }),
        ["Health"] = Obj(["status", "checked_at", "failing", "checks"], new()
        {
            ["status"] = Enum("healthy", "unhealthy"),
            ["checked_at"] = Time(),
            ["last_normalized_at"] = Time(),
            ["failing"] = Array(Str(null)),
            ["checks"] = new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = Obj(["status"], new() { ["status"] = Str(null), ["depth"] = new JsonObject { ["type"] = "integer" }, ["error"] = Str(null) }),
            },
        }),
        ["Conversation"] = Obj(["conversation_id", "channel", "last_event_at", "unread_count"], new()
        {
            ["conversation_id"] = Str(null),
            ["channel"] = Str(null),
            ["is_group"] = Bool(),
            ["event_count"] = new JsonObject { ["type"] = "integer", ["format"] = "int64" },
            ["last_event_at"] = Time(),
            ["last_event_id"] = Str(null),
            ["last_event_kind"] = Str(null),
            ["last_text"] = Str("preview of the latest text (140 characters)"),
            ["last_inbound_at"] = Time(),
            ["last_outbound_at"] = Time(),
            ["unread_count"] = new JsonObject { ["type"] = "integer", ["description"] = "inbound messages after our latest outbound message (at most 500)" },
            ["participant_identities"] = Array(Str(null)),
            ["participant_handles"] = Array(Str(null)),
        }),
        ["Timeline"] = Obj(["instance", "conversation_id", "entries"], new()
        {
            ["instance"] = Str(null),
            ["conversation_id"] = Str(null),
            ["conversation"] = new JsonObject { ["allOf"] = new JsonArray(Ref("Conversation")), ["nullable"] = true },
            ["entries"] = Array(Ref("TimelineEntry")),
            ["continuation"] = Nullable("string"),
        }),
        ["TimelineEntry"] = Obj(["entry_type", "event"], new()
        {
            ["entry_type"] = Enum("message", "action", "event"),
            ["event"] = Ref("Event"),
            ["text"] = Str("current text: the latest edit's; null once deleted"),
            ["edited"] = Bool(),
            ["edited_at"] = Time(),
            ["deleted"] = Bool(),
            ["deleted_at"] = Time(),
            ["reactions"] = Array(Obj(["emoji", "reacted_at", "event_id"], new()
            {
                ["emoji"] = Str(null),
                ["sender_handle"] = Str(null),
                ["identity_id"] = Str(null),
                ["from_me"] = Bool(),
                ["reacted_at"] = Time(),
                ["event_id"] = Str(null),
            })),
            ["poll"] = Obj(["options", "voter_count"], new()
            {
                ["question"] = Str(null),
                ["options"] = Array(Obj(["name", "votes", "voters"], new()
                {
                    ["name"] = Str(null),
                    ["votes"] = new JsonObject { ["type"] = "integer" },
                    ["voters"] = Array(Str(null)),
                })),
                ["voter_count"] = new JsonObject { ["type"] = "integer" },
                ["unreadable_votes"] = new JsonObject { ["type"] = "integer" },
            }),
            ["receipt_status"] = Str("the furthest receipt: server_ack, delivered, read, played"),
            ["target_missing"] = Bool(),
            ["folded_event_ids"] = Array(Str(null)),
            ["raw_events"] = Array(Ref("Event")),
        }),
        ["CatalogEntry"] = Obj(["instance", "count", "first_seen", "last_seen", "sample_event_ids", "status"], new()
        {
            ["instance"] = Str(null),
            ["shape"] = Str("provider event name + message type, e.g. messages.upsert/stickerMessage; {provider}:quarantined/{class} for quarantines"),
            ["provider_event_type"] = Str(null),
            ["message_type"] = Str(null),
            ["event_kind"] = Str(null),
            ["content_type"] = Str(null),
            ["count"] = new JsonObject { ["type"] = "integer", ["format"] = "int64" },
            ["first_seen"] = Time(),
            ["last_seen"] = Time(),
            ["sample_event_ids"] = Array(Str(null)),
            ["sample_ingest_ids"] = Array(Str("quarantined shapes: the payloads' ingest ids")),
            ["status"] = Enum("mapped", "normalized", "unknown", "quarantined"),
            ["reason"] = Str("quarantined shapes: the latest reason"),
        }),
        ["DeadLetter"] = Obj(["stage", "reason", "attempts", "recorded_at"], new()
        {
            ["ingest_id"] = Str(null),
            ["provider"] = Str(null),
            ["instance"] = Str(null),
            ["blob_name"] = Str(null),
            ["stage"] = Enum("normalize", "poison", "queue"),
            ["reason"] = Str(null),
            ["attempts"] = new JsonObject { ["type"] = "integer" },
            ["received_at"] = Time(),
            ["recorded_at"] = Time(),
        }),
        ["Trace"] = Obj(["event_id", "instance", "ingest", "normalize", "workflow_runs"], new()
        {
            ["event_id"] = Str(null),
            ["instance"] = Str(null),
            ["ingest"] = Obj(["provider", "raw_blob", "received_at"], new()
            {
                ["ingest_id"] = Str(null),
                ["provider"] = Str(null),
                ["raw_blob"] = Str(null),
                ["received_at"] = Time(),
            }),
            ["normalize"] = Obj(["normalizer", "event_kind", "content_type", "identity"], new()
            {
                ["normalizer"] = Str(null),
                ["started_at"] = Time(),
                ["duration_ms"] = new JsonObject { ["type"] = "number" },
                ["stored_at"] = Time(),
                ["latency_ms"] = new JsonObject { ["type"] = "number", ["description"] = "stored_at - received_at" },
                ["event_kind"] = Str(null),
                ["content_type"] = Str(null),
                ["shape"] = Str(null),
                ["identity"] = Obj(["status"], new()
                {
                    ["sender_handle"] = Str(null),
                    ["identity_id"] = Str(null),
                    ["status"] = Enum("resolved", "unresolved"),
                }),
            }),
            ["workflow_runs"] = Array(Obj(["run_id", "workflow", "status", "started_at", "steps"], new()
            {
                ["run_id"] = Str(null),
                ["workflow"] = Str(null),
                ["version"] = Str(null),
                ["status"] = Str(null),
                ["started_at"] = Time(),
                ["completed_at"] = Time(),
                ["steps"] = Array(Obj(["step", "action", "status", "attempts", "started_at"], new()
                {
                    ["step"] = Str(null),
                    ["action"] = Str("registry id, e.g. guard.allowlist"),
                    ["status"] = Str(null),
                    ["attempts"] = new JsonObject { ["type"] = "integer" },
                    ["started_at"] = Time(),
                    ["completed_at"] = Time(),
                    ["error"] = Str(null),
                })),
            })),
        }),
        ["IngestAccepted"] = Obj(["ingest_id"], new() { ["ingest_id"] = Str(null) }),
        ["ReplayRequest"] = Obj(["instance", "from", "to"], new() { ["instance"] = Str(null), ["from"] = Time(), ["to"] = Time() }),
        ["ContactListEntry"] = Obj(["entry", "kind", "added_at"], new()
        {
            ["entry"] = Str("a canonical handle or an identity id"),
            ["kind"] = Enum("handle", "identity"),
            ["added_at"] = Time(),
        }),
        ["ContactListChange"] = Obj(["instance", "list", "entry", "kind", "added_at", "added"], new()
        {
            ["instance"] = Str(null),
            ["list"] = Str(null),
            ["entry"] = Str("canonical form"),
            ["kind"] = Enum("handle", "identity"),
            ["added_at"] = Time(),
            ["added"] = Bool(),
        }),
        ["ReplayResult"] = Obj(["instance", "from", "to", "replayed"], new()
        {
            ["instance"] = Str(null),
            ["from"] = Time(),
            ["to"] = Time(),
            ["replayed"] = new JsonObject { ["type"] = "integer" },
        }),
    };

    private static readonly Dictionary<int, (string Code, string Text)> Errors = new()
    {
        [400] = ("bad_request", "a parameter or body is malformed"),
        [401] = ("unauthorized", "missing or wrong key/secret"),
        [403] = ("forbidden", "the key may not read this instance"),
        [404] = ("not_found", "no such instance, event or route"),
        [409] = ("conflict", "the resource changed or exists"),
        [413] = ("payload_too_large", "the body exceeds the limit"),
        [429] = ("too_many_requests", "slow down"),
    };

    private static JsonObject Operation(string id, string summary, JsonNode[] parameters, JsonObject responses, int[] errors,
        JsonObject? body = null, JsonArray? security = null)
    {
        foreach (var status in errors)
        {
            responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["description"] = $"{Errors[status].Code}: {Errors[status].Text}",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref("Error") } },
            };
        }

        var op = new JsonObject { ["operationId"] = id, ["summary"] = summary };
        if (parameters.Length > 0)
        {
            op["parameters"] = new JsonArray(parameters);
        }

        if (body is not null)
        {
            op["requestBody"] = body;
        }

        op["responses"] = responses;
        if (security is not null)
        {
            op["security"] = security;
        }

        return op;
    }

    private static JsonObject Response(string status, string description, JsonNode schema) => new()
    {
        [status] = new JsonObject
        {
            ["description"] = description,
            ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } },
        },
    };

    private static JsonObject CatalogList(bool withInstance)
    {
        var properties = new JsonObject { ["entries"] = Array(Ref("CatalogEntry")) };
        if (withInstance)
        {
            properties["instance"] = Str(null);
        }

        return new JsonObject { ["type"] = "object", ["required"] = new JsonArray("entries"), ["properties"] = properties };
    }

    private static JsonObject HealthResponses()
    {
        var responses = Response("200", "healthy", Ref("Health"));
        responses["503"] = Response("503", "unhealthy: the failing checks are listed", Ref("Health"))["503"]!.DeepClone();
        return responses;
    }

    private static JsonObject IdentityParam() => PathParam("identity_id", "idn_{32 hex}");

    private static JsonObject ContactListParam() => PathParam("list", "the list's name: 1-64 of a-z, 0-9, _ and - (blocked, vip, …)");

    private static JsonObject ContactEntryParam() =>
        PathParam("entry", "a handle of the instance's channel (5511999990001@s.whatsapp.net, or a phone number) or an identity id (idn_{32 hex}); URL-encoded");

    private static JsonObject YamlBody() => new()
    {
        ["required"] = true,
        ["content"] = new JsonObject { ["application/yaml"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["description"] = "the workflow's YAML" } } },
    };

    private static JsonObject JsonBody(JsonNode schema) => new()
    {
        ["required"] = true,
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } },
    };

    private static JsonObject PathParam(string name, string description) => new()
    {
        ["name"] = name, ["in"] = "path", ["required"] = true, ["description"] = description, ["schema"] = new JsonObject { ["type"] = "string" },
    };

    private static JsonObject QueryParam(string name, string description, string type = "string", string? format = null, bool required = false)
    {
        var schema = new JsonObject { ["type"] = type };
        if (format is not null)
        {
            schema["format"] = format;
        }

        return new JsonObject { ["name"] = name, ["in"] = "query", ["required"] = required, ["description"] = description, ["schema"] = schema };
    }

    private static JsonObject LimitParam(int fallback, int max) => new()
    {
        ["name"] = "limit", ["in"] = "query", ["required"] = false, ["description"] = $"page size, default {fallback}",
        ["schema"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = max, ["default"] = fallback },
    };

    private static JsonObject ContinuationParam() =>
        QueryParam("continuation", "the opaque token of the previous page; a token of another query is refused (400)");

    private static JsonObject Ref(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

    private static JsonObject Obj(string[] required, JsonObject properties) => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]),
        ["properties"] = properties,
    };

    private static JsonObject Array(JsonNode items) => new() { ["type"] = "array", ["items"] = items };

    private static JsonObject Str(string? description) =>
        description is null ? new JsonObject { ["type"] = "string" } : new JsonObject { ["type"] = "string", ["description"] = description };

    private static JsonObject Nullable(string type) => new() { ["type"] = type, ["nullable"] = true };

    private static JsonObject Bool() => new() { ["type"] = "boolean" };

    private static JsonObject Time() => new() { ["type"] = "string", ["format"] = "date-time" };

    private static JsonObject Enum(params string[] values) => new() { ["type"] = "string", ["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) };
}
