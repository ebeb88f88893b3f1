#pragma once

#include "http/router.h"

namespace Meshdeck::Events {

struct EventsSettings;

// The OpenAPI description of every events and webhooks route: one function per operation answers
// its complete RouteOptions (operation id, permission, summary, parameters, request schema, each
// success status with its schema, problem statuses), and registerSchemas() adds the components
// they reference. The install() functions of the routes files take their options from here; the
// schemas follow the JSON those handlers read and write, so change both together.
namespace RouteDocs {

// Retention, Topic, Event, EventInput, PolledEvent, ConsumerGroup, LagPoint, Webhook,
// CreatedWebhook, Delivery. Once per router, before the routes.
void registerSchemas(Http::Router &router);

// Topics and the log: /v1/events/topics…
Http::RouteOptions createTopic();
Http::RouteOptions listTopics();
Http::RouteOptions getTopic();
Http::RouteOptions updateTopic();
Http::RouteOptions deleteTopic();
Http::RouteOptions publishEvents(const EventsSettings &settings);
Http::RouteOptions readEvents();
Http::RouteOptions replayEvents();

// Consumer groups: /v1/events/topics/{topic}/groups…
Http::RouteOptions pollGroup(const EventsSettings &settings);
Http::RouteOptions commitGroup();
Http::RouteOptions listGroups();
Http::RouteOptions getGroupLag();

// Webhooks: /v1/events/webhooks…
Http::RouteOptions createWebhook();
Http::RouteOptions listWebhooks();
Http::RouteOptions getWebhook();
Http::RouteOptions updateWebhook();
Http::RouteOptions deleteWebhook();
Http::RouteOptions listWebhookDeliveries(const EventsSettings &settings);
Http::RouteOptions sendWebhookTest();

} // namespace RouteDocs

} // namespace Meshdeck::Events
