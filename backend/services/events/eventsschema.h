#pragma once

#include "storage/migrations.h"

#include <vector>

namespace Meshdeck::Events {

// The tables of the events service (topics and the log, consumer groups, webhooks), every
// version in order. The stores' SQL depends on them; core/ applies them as the "events" component.
std::vector<Storage::Migration> schema();

} // namespace Meshdeck::Events
