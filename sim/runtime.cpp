#include "sim/runtime.h"

#include "sim/assert.h"
#include "sim/world.h"

namespace sim {

World& world() {
  World* running = World::running();
  RAFTSIM_ASSERT(running != nullptr);
  return *running;
}

NodeId self() { return world().current_checked().node; }

Instant now() {
  World& w = world();
  return w.local_now(w.current_checked().node);
}

void sleep_until(Instant local_deadline) {
  World& w = world();
  const NodeId node = w.current_checked().node;
  w.check_no_lock_held("sleep");
  w.block({"sleep", "", nullptr}, w.global_for_local(node, local_deadline));
}

void sleep_for(Duration duration) {
  RAFTSIM_ASSERT(duration >= Duration::zero());
  sleep_until(now() + duration);
}

void yield() { world().yield_current(); }

void go(std::string_view name, Task body) {
  World& w = world();
  w.spawn(w.current_checked().node, name, std::move(body));
}

Rng& rng() {
  World& w = world();
  return w.node_rng(w.current_checked().node);
}

void keep(std::shared_ptr<void> object) {
  World& w = world();
  w.keep(w.current_checked().node, std::move(object));
}

void note(std::string topic, std::string text) {
  World& w = world();
  TraceEvent event;
  event.at = w.now();
  event.kind = TraceKind::note;
  event.node = w.current_checked().node;
  event.topic = std::move(topic);
  event.text = std::move(text);
  w.trace().record(std::move(event));
}

}  // namespace sim
