#include "eventsdocroutes.h"

#include "eventsservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Meshdeck::Events::RouteDocs {

using namespace Meshdeck::Http;

namespace {

// ---------------------------------------------------------------------------------------------
// Shared components. Offsets and counts are 64-bit; times are ISO 8601 in UTC with milliseconds.

constexpr QByteArrayView RetentionSchema = R"json({
    "type": "object", "required": ["maxAgeSeconds", "maxBytes"],
    "properties": {
        "maxAgeSeconds": {"type": "integer", "format": "int64", "minimum": 0,
                          "description": "events older than this are removed; 0: no age limit"},
        "maxBytes": {"type": "integer", "format": "int64", "minimum": 0,
                     "description": "the oldest events are removed above this size; 0: no size limit"}
    }
})json";

constexpr QByteArrayView TopicSchema = R"json({
    "type": "object",
    "required": ["name", "retention", "events", "bytes", "firstOffset", "headOffset", "publishedLastMinute",
                 "ratePerSecond", "system", "createdAt", "permissions"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 128},
        "retention": {"$ref": "#/components/schemas/Retention"},
        "events": {"type": "integer", "format": "int64", "minimum": 0, "description": "events stored"},
        "bytes": {"type": "integer", "format": "int64", "minimum": 0, "description": "their size"},
        "firstOffset": {"type": "integer", "format": "int64", "minimum": 0,
                        "description": "the oldest offset still stored"},
        "headOffset": {"type": "integer", "format": "int64", "minimum": 0,
                       "description": "the offset the next event gets"},
        "publishedLastMinute": {"type": "integer", "format": "int64", "minimum": 0,
                                "description": "events published on this node in the last 60 seconds"},
        "ratePerSecond": {"type": "number", "minimum": 0, "description": "publishedLastMinute / 60"},
        "system": {"type": "boolean",
                   "description": "the platform's own topic (audit, system, a service's topic): cannot be deleted"},
        "createdAt": {"type": "string", "format": "date-time"},
        "permissions": {"type": "array", "items": {"type": "string"},
                        "description": "document permissions: read(\"ROLE\"), update(\"ROLE\") or delete(\"ROLE\") with ROLE any, users, user:ID, team:ID or team:ID/ROLE. They matter to principals whose role holds events.* only on documents (role user); admin, developer and (for reads) support reach every topic"}
    }
})json";

constexpr QByteArrayView EventSchema = R"json({
    "type": "object", "required": ["id", "topic", "offset", "time", "type", "data"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "topic": {"type": "string"},
        "offset": {"type": "integer", "format": "int64", "minimum": 0},
        "time": {"type": "string", "format": "date-time", "description": "when it was stored"},
        "type": {"type": "string"},
        "key": {"type": "string", "description": "absent when it was published without a key"},
        "data": {"description": "any JSON value (null included), as published; null when none was"},
        "headers": {"type": "object", "additionalProperties": {"type": "string"},
                    "description": "absent when there are none. A replayed copy carries meshdeck-replayed-from (<topic>@<offset>); a dead letter meshdeck-dlq-reason, meshdeck-original-topic, meshdeck-original-offset and meshdeck-original-id"},
        "requestId": {"type": "string", "description": "the X-Request-Id of the request that published it; absent when there was none"}
    }
})json";

// A polled event: an Event with the number of this delivery (see PolledEvent in registerSchemas).
constexpr QByteArrayView DeliveryAttemptProperty = R"json({
    "type": "integer", "minimum": 1,
    "description": "1 for a first delivery; more when its visibility timeout passed without a commit"
})json";

constexpr QByteArrayView EventInputSchema = R"json({
    "type": "object", "required": ["type"],
    "properties": {
        "type": {"type": "string", "minLength": 1, "maxLength": 256, "example": "order.created"},
        "key": {"type": "string", "maxLength": 1024, "nullable": true,
                "description": "an optional key, such as the id of what the event is about"},
        "data": {"description": "any JSON value (null included); null when left out"},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}, "nullable": true,
                    "description": "string values only"}
    }
})json";

constexpr QByteArrayView ConsumerGroupSchema = R"json({
    "type": "object", "required": ["name", "committedOffset", "nextOffset", "inFlight", "lag", "createdAt"],
    "properties": {
        "name": {"type": "string"},
        "committedOffset": {"type": "integer", "format": "int64", "minimum": 0,
                            "description": "every event before it is acknowledged"},
        "nextOffset": {"type": "integer", "format": "int64", "minimum": 0,
                       "description": "the first event never delivered to the group"},
        "inFlight": {"type": "integer", "format": "int64", "minimum": 0,
                     "description": "events delivered and not yet committed"},
        "lag": {"type": "integer", "format": "int64", "minimum": 0,
                "description": "events from committedOffset to the topic's head"},
        "createdAt": {"type": "string", "format": "date-time", "description": "its first poll"}
    }
})json";

constexpr QByteArrayView LagPointSchema = R"json({
    "type": "object", "required": ["time", "lag"],
    "properties": {"time": {"type": "string", "format": "date-time"},
                   "lag": {"type": "integer", "format": "int64", "minimum": 0}}
})json";

constexpr QByteArrayView WebhookSchema = R"json({
    "type": "object",
    "required": ["id", "url", "topics", "types", "enabled", "disabledReason", "consecutiveFailures", "createdAt"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "url": {"type": "string", "format": "uri"},
        "topics": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "types": {"type": "array", "items": {"type": "string"}, "description": "empty: every type"},
        "enabled": {"type": "boolean"},
        "disabledReason": {"type": "string",
                           "description": "why it was disabled (by an administrator, or after failed deliveries in a row); empty while enabled"},
        "consecutiveFailures": {"type": "integer", "minimum": 0},
        "createdAt": {"type": "string", "format": "date-time"}
    }
})json";

// The answer to a create: a Webhook with its secret (see CreatedWebhook in registerSchemas).
constexpr QByteArrayView SecretProperty = R"json({
    "type": "string", "pattern": "^whsec_[A-Za-z0-9_-]+$",
    "description": "the signing secret of X-Meshdeck-Signature, shown this once"
})json";

constexpr QByteArrayView DeliverySchema = R"json({
    "type": "object",
    "required": ["id", "topic", "offset", "eventId", "attempt", "succeeded", "status", "latencyMs",
                 "responseExcerpt", "error", "time"],
    "properties": {
        "id": {"type": "integer", "format": "int64", "minimum": 0,
               "description": "the log entry; 0 in the answer to a test delivery, which is logged after"},
        "topic": {"type": "string", "description": "empty for a test delivery"},
        "offset": {"type": "integer", "format": "int64", "minimum": -1, "description": "-1 for a test delivery"},
        "eventId": {"type": "string", "format": "uuid"},
        "attempt": {"type": "integer", "minimum": 1},
        "succeeded": {"type": "boolean", "description": "the receiver answered 2xx"},
        "status": {"type": "integer", "minimum": 0, "maximum": 599,
                   "description": "the receiver's HTTP status; 0 when none came"},
        "latencyMs": {"type": "integer", "format": "int64", "minimum": 0},
        "responseExcerpt": {"type": "string", "description": "the first 512 bytes of the answer"},
        "error": {"type": "string", "description": "why it failed; empty on success"},
        "time": {"type": "string", "format": "date-time"}
    }
})json";

// ---------------------------------------------------------------------------------------------
// Each route's own schemas

constexpr QByteArrayView TopicNamePattern = "^[a-z0-9][a-z0-9._-]{0,123}$";
constexpr QByteArrayView NamePattern = "^[a-z0-9][a-z0-9._-]{0,127}$";

constexpr QByteArrayView CreateTopicRequest = R"json({
    "type": "object", "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": "@TOPIC_PATTERN@",
                 "description": "1 to 124 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit (room is left for its dead-letter topic '<name>.dlq')"},
        "retention": {"type": "object", "nullable": true,
                      "description": "left out or null: unlimited",
                      "properties": {
                          "maxAgeSeconds": {"type": "integer", "format": "int64", "minimum": 0,
                                            "maximum": 9000000000000000, "nullable": true,
                                            "description": "0, null or left out: no age limit"},
                          "maxBytes": {"type": "integer", "format": "int64", "minimum": 0,
                                       "maximum": 9000000000000000, "nullable": true,
                                       "description": "0, null or left out: no size limit"}}},
        "permissions": {"type": "array", "items": {"type": "string", "pattern": "^(read|update|delete)\\(\"[^\"]+\"\\)$"},
                        "example": ["read(\"users\")", "update(\"team:ops/owner\")"],
                        "description": "document permissions (left out: none); see Topic.permissions"}
    }
})json";

constexpr QByteArrayView UpdateTopicRequest = R"json({
    "type": "object",
    "properties": {
        "retention": {"type": "object", "nullable": true,
                      "description": "the new retention; null: unlimited; left out: unchanged",
                      "properties": {
                          "maxAgeSeconds": {"type": "integer", "format": "int64", "minimum": 0,
                                            "maximum": 9000000000000000, "nullable": true},
                          "maxBytes": {"type": "integer", "format": "int64", "minimum": 0,
                                       "maximum": 9000000000000000, "nullable": true}}},
        "permissions": {"type": "array", "items": {"type": "string", "pattern": "^(read|update|delete)\\(\"[^\"]+\"\\)$"},
                        "description": "replaces the topic's document permissions; left out: unchanged. Nobody grants what they do not hold: a caller whose role holds events.write only on documents may add only roles it holds itself and actions it holds on this topic (403 otherwise)"}
    }
})json";

constexpr QByteArrayView TopicListResponse = R"json({
    "type": "object", "required": ["topics"],
    "properties": {"topics": {"type": "array", "items": {"$ref": "#/components/schemas/Topic"},
                              "description": "by name"}}
})json";

constexpr QByteArrayView PublishRequest = R"json({
    "type": "object", "required": ["events"],
    "properties": {"events": {"type": "array", "minItems": 1, "maxItems": @MAX_EVENTS@,
                              "items": {"$ref": "#/components/schemas/EventInput"},
                              "description": "stored in this order, all or none"}}
})json";

constexpr QByteArrayView PublishResponse = R"json({
    "type": "object", "required": ["offsets"],
    "properties": {"offsets": {"type": "array", "items": {"type": "integer", "format": "int64", "minimum": 0},
                               "description": "the offset of each event, in the order sent"}}
})json";

constexpr QByteArrayView EventPageResponse = R"json({
    "type": "object", "required": ["events", "nextOffset"],
    "properties": {
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"},
                   "description": "in offset order"},
        "nextOffset": {"type": "integer", "format": "int64", "minimum": 0,
                       "description": "where the next read continues (fromOffset of the next page)"}
    }
})json";

constexpr QByteArrayView ReplayRequest = R"json({
    "type": "object", "required": ["fromOffset", "toOffset", "targetTopic"],
    "properties": {
        "fromOffset": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 9000000000000000},
        "toOffset": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 9000000000000000,
                     "description": "not included; at least fromOffset and at most 100000 after it (413 beyond)"},
        "targetTopic": {"type": "string", "description": "an existing topic other than this one"}
    }
})json";

constexpr QByteArrayView ReplayResponse = R"json({
    "type": "object", "required": ["replayed", "firstTargetOffset", "lastTargetOffset"],
    "properties": {
        "replayed": {"type": "integer", "format": "int64", "minimum": 0, "description": "events copied"},
        "firstTargetOffset": {"type": "integer", "format": "int64", "minimum": -1,
                              "description": "the first copy's offset in the target; -1 when nothing was copied"},
        "lastTargetOffset": {"type": "integer", "format": "int64", "minimum": -1,
                             "description": "the last copy's offset in the target; -1 when nothing was copied"}
    }
})json";

constexpr QByteArrayView PollRequest = R"json({
    "type": "object",
    "description": "optional: an empty body polls with the defaults",
    "properties": {
        "max": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100,
                "description": "at most this many events"},
        "visibilityTimeoutMs": {"type": "integer", "minimum": 10, "maximum": 43200000, "default": @VISIBILITY@,
                                "description": "how long the events wait for a commit before they are delivered again"}
    }
})json";

constexpr QByteArrayView PollResponse = R"json({
    "type": "object", "required": ["events", "committedOffset", "lag", "deadLettered"],
    "properties": {
        "events": {"type": "array", "items": {"$ref": "#/components/schemas/PolledEvent"},
                   "description": "redelivered events first, then new ones, each in offset order"},
        "committedOffset": {"type": "integer", "format": "int64", "minimum": 0},
        "lag": {"type": "integer", "format": "int64", "minimum": 0},
        "deadLettered": {"type": "integer", "minimum": 0,
                         "description": "events this poll moved to the dead-letter topic"},
        "deadLetterTopic": {"type": "string", "description": "where they went; present only when deadLettered > 0"}
    }
})json";

constexpr QByteArrayView CommitRequest = R"json({
    "type": "object", "required": ["offset"],
    "properties": {"offset": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 9000000000000000,
                              "description": "the next event to process: every event before it is acknowledged. At most the group's nextOffset (409 beyond); a smaller offset than the committed one changes nothing"}}
})json";

constexpr QByteArrayView CommitResponse = R"json({
    "type": "object", "required": ["committedOffset", "lag"],
    "properties": {"committedOffset": {"type": "integer", "format": "int64", "minimum": 0},
                   "lag": {"type": "integer", "format": "int64", "minimum": 0}}
})json";

constexpr QByteArrayView GroupListResponse = R"json({
    "type": "object", "required": ["groups"],
    "properties": {"groups": {"type": "array", "items": {"$ref": "#/components/schemas/ConsumerGroup"},
                              "description": "by name"}}
})json";

constexpr QByteArrayView LagResponse = R"json({
    "type": "object", "required": ["points"],
    "properties": {"points": {"type": "array", "items": {"$ref": "#/components/schemas/LagPoint"},
                              "description": "oldest first, at most 10000; empty for a group that never polled"}}
})json";

constexpr QByteArrayView CreateWebhookRequest = R"json({
    "type": "object", "required": ["url", "topics"],
    "properties": {
        "url": {"type": "string", "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#@\\s]+([/?#].*)?$",
                "description": "http:// or https:// with a host and no credentials; a public address unless meshdeckd runs with --allow-private-targets"},
        "topics": {"type": "array", "minItems": 1, "uniqueItems": true,
                   "items": {"type": "string", "pattern": "@NAME_PATTERN@"},
                   "description": "existing topics; delivery starts at their heads"},
        "types": {"type": "array", "nullable": true, "items": {"type": "string", "minLength": 1},
                  "description": "only events of these types; empty, null or left out: every type"}
    }
})json";

constexpr QByteArrayView WebhookListResponse = R"json({
    "type": "object", "required": ["webhooks"],
    "properties": {"webhooks": {"type": "array", "items": {"$ref": "#/components/schemas/Webhook"},
                                "description": "oldest first"}}
})json";

constexpr QByteArrayView UpdateWebhookRequest = R"json({
    "type": "object", "required": ["enabled"],
    "properties": {"enabled": {"type": "boolean",
                               "description": "true also resets the failure count and retries at once"}}
})json";

constexpr QByteArrayView DeliveriesResponse = R"json({
    "type": "object", "required": ["deliveries"],
    "properties": {"deliveries": {"type": "array", "items": {"$ref": "#/components/schemas/Delivery"},
                                  "description": "newest first"}}
})json";

// ---------------------------------------------------------------------------------------------

QByteArray ref(const char *name)
{
    return QByteArrayLiteral("{\"$ref\":\"#/components/schemas/") + name + "\"}";
}

// Schema text with its @PLACEHOLDER@s filled in (a placeholder left over fails parsing at start-up).
QByteArray fill(QByteArrayView schema, std::initializer_list<std::pair<QByteArrayView, QByteArray>> values)
{
    QByteArray out = schema.toByteArray();
    for (const auto &[name, value] : values)
        out.replace(name, value);
    return out;
}

// An object schema with one more required property: PolledEvent from Event, CreatedWebhook from
// Webhook, written out whole rather than with allOf, which strict validators cannot combine with
// additionalProperties: false.
QByteArray withProperty(QByteArrayView base, const QString &name, QByteArrayView propertySchema,
                        const QString &description)
{
    QJsonObject schema = parseSchema(base, "RouteDocs base");
    QJsonObject properties = schema.value(QStringLiteral("properties")).toObject();
    properties.insert(name, parseSchema(propertySchema, "RouteDocs property"));
    schema.insert(QStringLiteral("properties"), properties);
    QJsonArray required = schema.value(QStringLiteral("required")).toArray();
    required.append(name);
    schema.insert(QStringLiteral("required"), required);
    schema.insert(QStringLiteral("description"), description);
    return QJsonDocument(schema).toJson(QJsonDocument::Compact);
}

ParamDoc pathParam(QByteArray name, QByteArray schema, const char *description)
{
    return ParamDoc{std::move(name), "path", std::move(schema), QString::fromUtf8(description), true};
}

ParamDoc topicParam(const char *description = "the topic's name")
{
    return pathParam("topic", R"({"type":"string"})", description);
}

ParamDoc groupParam(const char *description = "the consumer group's name")
{
    return pathParam("group", R"({"type":"string"})", description);
}

ParamDoc webhookParam()
{
    return pathParam("id", R"({"type":"string","format":"uuid"})", "the webhook's id");
}

RouteOptions route(const char *tag, QByteArray operationId, QByteArray permission, QString summary,
                   std::vector<ResponseDoc> responses, std::vector<int> problems,
                   QByteArray requestSchema = {}, std::vector<ParamDoc> parameters = {})
{
    RouteOptions o;
    o.summary = std::move(summary);
    o.tag = QString::fromLatin1(tag);
    o.operationId = std::move(operationId);
    o.permission = std::move(permission);
    o.requestSchema = std::move(requestSchema);
    o.parameters = std::move(parameters);
    o.responses = std::move(responses);
    o.problems = std::move(problems);
    return o;
}

} // namespace

void registerSchemas(Router &router)
{
    router.addSchema(QStringLiteral("Retention"), RetentionSchema);
    router.addSchema(QStringLiteral("Topic"), TopicSchema);
    router.addSchema(QStringLiteral("Event"), EventSchema);
    router.addSchema(QStringLiteral("PolledEvent"),
                     withProperty(EventSchema, QStringLiteral("deliveryAttempt"), DeliveryAttemptProperty,
                                  QStringLiteral("An event delivered to a consumer group.")));
    router.addSchema(QStringLiteral("EventInput"), EventInputSchema);
    router.addSchema(QStringLiteral("ConsumerGroup"), ConsumerGroupSchema);
    router.addSchema(QStringLiteral("LagPoint"), LagPointSchema);
    router.addSchema(QStringLiteral("Webhook"), WebhookSchema);
    router.addSchema(QStringLiteral("CreatedWebhook"),
                     withProperty(WebhookSchema, QStringLiteral("secret"), SecretProperty,
                                  QStringLiteral("A webhook as created, with its signing secret.")));
    router.addSchema(QStringLiteral("Delivery"), DeliverySchema);
}

// ---------------------------------------------------------------------------------------------
// Topics and the log

// Document permissions of topics, as every topic route applies them to a caller whose role holds
// events.* only on documents (role user): read lists, gets, reads, tails and consumes; update
// publishes and changes; delete deletes. A topic the caller may not see answers 404 like a missing one.
RouteOptions createTopic()
{
    return route(
        "events", "createTopic", "events.write",
        QStringLiteral("Create a topic with optional retention (maxAgeSeconds, maxBytes) and document "
                       "permissions. Needs events.write on every topic (admin, developer): 403 for a "
                       "role that holds it only on documents."),
        {{201, QStringLiteral("The topic as created; the Location header names it."), ref("Topic")}},
        {400, 403, 409}, fill(CreateTopicRequest, {{"@TOPIC_PATTERN@", TopicNamePattern.toByteArray()}}));
}

RouteOptions listTopics()
{
    return route(
        "events", "listTopics", "events.read",
        QStringLiteral("List topics with their size, head offset and publish rate (for role user: "
                       "the topics whose permissions grant it read)."),
        {{200, QStringLiteral("Every topic the caller may read, by name."), TopicListResponse.toByteArray()}},
        {});
}

RouteOptions getTopic()
{
    return route("events", "getTopic", "events.read",
                 QStringLiteral("One topic with its statistics (document permission: read; 404 without it)."),
                 {{200, QStringLiteral("The topic."), ref("Topic")}}, {404}, {}, {topicParam()});
}

RouteOptions updateTopic()
{
    return route(
        "events", "updateTopic", "events.write",
        QStringLiteral("Change a topic's retention and/or document permissions (document permissions: "
                       "update and read; nobody grants what they do not hold). Open realtime "
                       "subscriptions that lose read are ended."),
        {{200, QStringLiteral("The topic as changed."), ref("Topic")}}, {400, 403, 404},
        UpdateTopicRequest.toByteArray(), {topicParam()});
}

RouteOptions deleteTopic()
{
    return route(
        "events", "deleteTopic", "events.write",
        QStringLiteral("Delete a topic, its events, its consumer groups and its permissions (document "
                       "permission: delete; system topics cannot be deleted: 409)."),
        {{204, QStringLiteral("Deleted."), {}}}, {403, 404, 409}, {}, {topicParam()});
}

RouteOptions publishEvents(const EventsSettings &settings)
{
    RouteOptions o =
        route("events", "publishEvents", "events.write",
              QStringLiteral(
                  "Publish up to %1 events (1 MiB); answers once they are durable. 503 with Retry-After when "
                  "the publish queue is full: nothing of the batch was accepted. Document permission: update "
                  "(read is not needed).")
                  .arg(settings.maxEventsPerBatch),
              {{201, QStringLiteral("Durable, with the offsets the events got, in order."),
                PublishResponse.toByteArray()}},
              {400, 403, 404},
              fill(PublishRequest, {{"@MAX_EVENTS@", QByteArray::number(settings.maxEventsPerBatch)}}),
              {topicParam("the topic to publish to")});
    o.maxBody = 1024 * 1024;
    return o;
}

RouteOptions readEvents()
{
    return route(
        "events", "readEvents", "events.read",
        QStringLiteral("Read events from an offset or a time, in offset order (document permission: read)."),
        {{200, QStringLiteral("A page of events."), EventPageResponse.toByteArray()}}, {400, 404}, {},
        {topicParam(),
         ParamDoc{
             "fromOffset", "query", R"({"type":"integer","format":"int64","minimum":0,"default":0})",
             QStringLiteral("the first offset to read; an offset retention removed reads from the oldest "
                            "kept, one past the head reads nothing")},
         ParamDoc{"fromTime", "query", R"({"type":"string","format":"date-time"})",
                  QStringLiteral("read from the first event stored at or after this time instead (it takes "
                                 "precedence over fromOffset)")},
         ParamDoc{"limit", "query", R"({"type":"integer","minimum":1,"maximum":1000,"default":100})",
                  QStringLiteral("at most this many events")}});
}

RouteOptions replayEvents()
{
    return route(
        "events", "replayEvents", "events.write",
        QStringLiteral("Copy events [fromOffset, toOffset) into another topic, each tagged with its origin "
                       "(at most 100000 per request; document permissions: read on the source, update on "
                       "the target)."),
        {{200, QStringLiteral("What was copied."), ReplayResponse.toByteArray()}}, {400, 403, 404},
        ReplayRequest.toByteArray(), {topicParam("the topic to copy from")});
}

// ---------------------------------------------------------------------------------------------
// Consumer groups. Consuming (poll, commit) is reading, as Kafka's ACLs have it: a read-only
// consumer can consume. Document permission of the topic: read (404 without it).

RouteOptions pollGroup(const EventsSettings &settings)
{
    RouteOptions o = route(
        "events", "pollGroup", "events.read",
        QStringLiteral("Poll as a consumer group: redelivers events whose visibility timeout passed "
                       "(dead-letters them after %1 deliveries), then new ones. The body is optional.")
            .arg(settings.maxDeliveries),
        {{200, QStringLiteral("Events now in flight for the group."), PollResponse.toByteArray()}},
        {400, 404}, fill(PollRequest, {{"@VISIBILITY@", QByteArray::number(settings.defaultVisibilityMs)}}),
        {topicParam(),
         pathParam("group",
                   fill(R"({"type":"string","pattern":"@NAME_PATTERN@"})",
                        {{"@NAME_PATTERN@", NamePattern.toByteArray()}}),
                   "the consumer group's name: 1 to 128 characters of a-z, 0-9, '.', '_' and '-', starting "
                   "with a letter or digit; created on its first poll at the oldest kept event")});
    o.requestBodyOptional = true; // the body may be left out
    return o;
}

RouteOptions commitGroup()
{
    return route("events", "commitGroup", "events.read",
                 QStringLiteral("Commit a group's offset: every event before it is acknowledged."),
                 {{200, QStringLiteral("The group's position."), CommitResponse.toByteArray()}},
                 {400, 404, 409}, CommitRequest.toByteArray(),
                 {topicParam(), groupParam("the consumer group's name; 404 until it has polled")});
}

RouteOptions listGroups()
{
    return route(
        "events", "listGroups", "events.read",
        QStringLiteral("Consumer groups of a topic with their committed offset, in-flight events and lag."),
        {{200, QStringLiteral("The topic's groups, by name."), GroupListResponse.toByteArray()}}, {404}, {},
        {topicParam()});
}

RouteOptions getGroupLag()
{
    return route("events", "getGroupLag", "events.read",
                 QStringLiteral("A group's lag over time, oldest first."),
                 {{200, QStringLiteral("Lag samples."), LagResponse.toByteArray()}}, {400, 404}, {},
                 {topicParam(), groupParam(),
                  ParamDoc{"since", "query", R"({"type":"string","format":"date-time"})",
                           QStringLiteral("samples from this time on (default: the last hour)")}});
}

// ---------------------------------------------------------------------------------------------
// Webhooks

RouteOptions createWebhook()
{
    return route(
        "webhooks", "createWebhook", "webhooks.write",
        QStringLiteral("Subscribe a URL to topics (and types); answers with the signing secret, once."),
        {{201, QStringLiteral("The webhook with its signing secret; the Location header names it."),
          ref("CreatedWebhook")}},
        {400, 404}, fill(CreateWebhookRequest, {{"@NAME_PATTERN@", NamePattern.toByteArray()}}));
}

RouteOptions listWebhooks()
{
    return route("webhooks", "listWebhooks", "webhooks.read", QStringLiteral("Webhooks with their state."),
                 {{200, QStringLiteral("Every webhook, oldest first."), WebhookListResponse.toByteArray()}},
                 {});
}

RouteOptions getWebhook()
{
    return route("webhooks", "getWebhook", "webhooks.read", QStringLiteral("One webhook."),
                 {{200, QStringLiteral("The webhook (never its secret)."), ref("Webhook")}}, {404}, {},
                 {webhookParam()});
}

RouteOptions updateWebhook()
{
    return route(
        "webhooks", "updateWebhook", "webhooks.write",
        QStringLiteral("Enable or disable a webhook ({\"enabled\": true} resets its failure count)."),
        {{200, QStringLiteral("The webhook as changed."), ref("Webhook")}}, {400, 404},
        UpdateWebhookRequest.toByteArray(), {webhookParam()});
}

RouteOptions deleteWebhook()
{
    return route("webhooks", "deleteWebhook", "webhooks.write",
                 QStringLiteral("Delete a webhook and its delivery log."),
                 {{204, QStringLiteral("Deleted."), {}}}, {404}, {}, {webhookParam()});
}

RouteOptions listWebhookDeliveries(const EventsSettings &settings)
{
    return route(
        "webhooks", "listWebhookDeliveries", "webhooks.read",
        QStringLiteral("The delivery log, newest first: status, latency, attempt and a response excerpt (the "
                       "last %1 attempts of each webhook, none older than %2 days).")
            .arg(settings.deliveryLogPerWebhook)
            .arg(settings.deliveryLogMaxAgeMs / (24 * 3600 * 1000)),
        {{200, QStringLiteral("Logged attempts."), DeliveriesResponse.toByteArray()}}, {400, 404}, {},
        {webhookParam(),
         ParamDoc{"limit", "query", R"({"type":"integer","minimum":1,"maximum":1000,"default":200})",
                  QStringLiteral("at most this many entries")}});
}

RouteOptions sendWebhookTest()
{
    return route("webhooks", "sendWebhookTest", "webhooks.write",
                 QStringLiteral("Send a webhook.test delivery now and answer with its outcome."),
                 {{200, QStringLiteral("What the receiver answered (a failed delivery is still a 200)."),
                   ref("Delivery")}},
                 {404}, {}, {webhookParam()});
}

} // namespace Meshdeck::Events::RouteDocs
