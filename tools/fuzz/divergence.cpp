#include "tools/fuzz/divergence.h"

#include <fmt/core.h>

#include <algorithm>

namespace raftsim::cli::fuzz {
namespace {

bool same_event(const sim::TraceEvent& a, const sim::TraceEvent& b) {
  return a.at == b.at && a.kind == b.kind && a.node == b.node && a.peer == b.peer && a.id == b.id &&
         a.size == b.size && a.topic == b.topic && a.text == b.text;
}

nlohmann::ordered_json event_json(const std::optional<sim::TraceEvent>& event) {
  if (!event) return nullptr;
  return nlohmann::ordered_json::parse(sim::Trace::to_json(*event));
}

std::string event_text(const std::optional<sim::TraceEvent>& event) {
  return event ? sim::Trace::to_json(*event) : std::string("(trace ended)");
}

}  // namespace

std::optional<Divergence> find_divergence(const scenarios::RunResult& first,
                                          const scenarios::RunResult& second) {
  if (first.fingerprint == second.fingerprint) return std::nullopt;
  Divergence divergence;
  divergence.fingerprint_first = first.fingerprint;
  divergence.fingerprint_second = second.fingerprint;
  const size_t common = std::min(first.trace.size(), second.trace.size());
  size_t index = 0;
  while (index < common && same_event(first.trace[index], second.trace[index])) ++index;
  divergence.index = index;
  if (index < first.trace.size()) divergence.event_first = first.trace[index];
  if (index < second.trace.size()) divergence.event_second = second.trace[index];
  return divergence;
}

nlohmann::ordered_json divergence_json(const Divergence& divergence) {
  nlohmann::ordered_json j;
  j["index"] = divergence.index;
  j["fingerprint_first"] = sim::fingerprint_hex(divergence.fingerprint_first);
  j["fingerprint_second"] = sim::fingerprint_hex(divergence.fingerprint_second);
  j["first"] = event_json(divergence.event_first);
  j["second"] = event_json(divergence.event_second);
  return j;
}

std::string divergence_text(const Divergence& divergence) {
  if (!divergence.event_first && !divergence.event_second) {
    return fmt::format("fingerprints {} and {} differ but the {} trace events are identical",
                       sim::fingerprint_hex(divergence.fingerprint_first),
                       sim::fingerprint_hex(divergence.fingerprint_second), divergence.index);
  }
  return fmt::format("first divergence at event {}: run 1 {} vs run 2 {}", divergence.index,
                     event_text(divergence.event_first), event_text(divergence.event_second));
}

}  // namespace raftsim::cli::fuzz
