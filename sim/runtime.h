// The runtime API that protocol code uses from inside a fiber: the current node's clock, sleeping,
// spawning, and the node's random stream. Every call requires a running fiber (it asserts).
// Times are node-local: they run at the node's drifted rate.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sim/ids.h"
#include "sim/rng.h"
#include "sim/task.h"
#include "sim/time.h"

namespace sim {

class World;

World& world();
NodeId self();
Instant now();
void sleep_for(Duration duration);
void sleep_until(Instant local_deadline);
// Lets every other fiber that is ready at this instant run first.
void yield();
// Spawns a fiber on the current node; it dies with the node.
void go(std::string_view name, Task body);
// The current node's random stream.
Rng& rng();
// Keeps `object` alive until the current node crashes.
void keep(std::shared_ptr<void> object);
// Records a protocol-level event in the trace (and so in the fingerprint) on the current node.
void note(std::string topic, std::string text);

}  // namespace sim
