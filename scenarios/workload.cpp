#include "scenarios/workload.h"

#include <fmt/core.h>

#include <algorithm>

#include "raft/kv/clerk.h"
#include "raft/peer_end.h"
#include "sim/runtime.h"

namespace scenarios {
namespace {

// A clerk call outlasts a commit under normal load and gives up well before op_timeout.
constexpr sim::Duration kCallTimeout = sim::Duration::seconds(1);

std::vector<std::shared_ptr<raft::PeerEnd>> server_ends(int servers) {
  std::vector<std::shared_ptr<raft::PeerEnd>> ends;
  for (int i = 0; i < servers; ++i)
    ends.push_back(std::make_shared<raft::SimPeerEnd>(i, kCallTimeout));
  return ends;
}

// A get's output as the trace shows it: appended values grow without bound, the trace stays short.
std::string shorten(const std::string& text) {
  constexpr size_t kShown = 24;
  if (text.size() <= kShown) return text;
  return text.substr(0, kShown) + fmt::format("...({} bytes)", text.size());
}

}  // namespace

Workload::Workload(sim::World& world, const Scenario& scenario, kv::HistoryRecorder& recorder)
    : world_(world), scenario_(scenario), recorder_(recorder) {
  clients_.resize(static_cast<size_t>(scenario.workload.clients));
}

void Workload::start() {
  for (int i = 0; i < scenario_.workload.clients; ++i) {
    const sim::NodeId process = world_.add_process(fmt::format("c{}", i));
    world_.spawn(process, "client", [this, i] { client_loop(i); });
  }
}

void Workload::stop(std::optional<sim::Instant> probe_deadline) {
  stopped_ = true;
  probe_deadline_ = probe_deadline;
}

void Workload::client_loop(int index) {
  const WorkloadModel& w = scenario_.workload;
  sim::Rng rng = world_.fork_rng(fmt::format("workload/c{}", index));
  kv::ClerkOptions options;
  options.op_timeout = w.op_timeout;
  kv::Clerk clerk(server_ends(scenario_.cluster.nodes), options, &recorder_);
  for (int64_t n = 0; !stopped_; ++n) {
    if (w.ops_max && started_ >= *w.ops_max) break;
    sim::sleep_for(rng.between(w.think_min, w.think_max));
    if (stopped_) break;
    ++started_;
    const std::string key = fmt::format("k{}", rng.below(static_cast<uint64_t>(w.keys)));
    const double u = rng.unit();
    std::string value = fmt::format("c{}.{}", index, n);
    if (w.value_bytes > 0)
      value.resize(std::max(value.size(), static_cast<size_t>(w.value_bytes)), '.');
    const kv::OpKind kind = u < w.get_p             ? kv::OpKind::get
                            : u < w.get_p + w.put_p ? kv::OpKind::put
                                                    : kv::OpKind::append;
    issue(index, clerk, kind, key, value);
  }
  // Idle until the faulty phase ends (an ops_max run may finish its operations early).
  while (!stopped_) sim::sleep_for(sim::Duration::milliseconds(10));
  if (probe_deadline_) run_probe(index, clerk);
  clients_[static_cast<size_t>(index)].done = true;
}

bool Workload::barrier(sim::Instant deadline) {
  const sim::Instant now = world_.now();
  if (now >= deadline) return false;
  if (!barrier_clerk_) {
    barrier_clerk_ = std::make_unique<kv::Clerk>(server_ends(scenario_.cluster.nodes));
  }
  barrier_clerk_->set_op_timeout(deadline - now);
  return barrier_clerk_->get("k0").has_value();
}

void Workload::run_probe(int index, kv::Clerk& clerk) {
  Client& client = clients_[static_cast<size_t>(index)];
  const sim::Instant now = world_.now();
  if (now >= *probe_deadline_) return;
  clerk.set_op_timeout(*probe_deadline_ - now);
  client.probe_ok = issue(index, clerk, kv::OpKind::get, "k0", "");
}

void Workload::note(int index, std::string text) {
  Client& client = clients_[static_cast<size_t>(index)];
  sim::TraceEvent event;
  event.at = world_.now();
  event.kind = sim::TraceKind::note;
  event.node = sim::self();
  event.id = client.operations;
  event.topic = "client";
  event.text = fmt::format("c{} {}", index, text);
  world_.trace().record(std::move(event));
}

bool Workload::issue(int index, kv::Clerk& clerk, kv::OpKind kind, const std::string& key,
                     const std::string& value) {
  ++clients_[static_cast<size_t>(index)].operations;
  const char* name = kind == kv::OpKind::get ? "get" : kind == kv::OpKind::put ? "put" : "append";
  note(index, kind == kv::OpKind::get ? fmt::format("call {} {}", name, key)
                                      : fmt::format("call {} {} {}", name, key, value));
  std::string outcome;
  bool ok = false;
  if (kind == kv::OpKind::get) {
    const std::optional<std::string> output = clerk.get(key);
    ok = output.has_value();
    outcome = ok ? fmt::format("-> \"{}\"", shorten(*output)) : "unknown";
  } else {
    ok = kind == kv::OpKind::put ? clerk.put(key, value) : clerk.append(key, value);
    outcome = ok ? "ok" : "unknown";
  }
  if (ok && clerk.last_answer().has_value()) {
    const kv::RecordedAnswer& answer = *clerk.last_answer();
    outcome += answer.index != 0 ? fmt::format(" from s{} at {}", answer.server, answer.index)
                                 : fmt::format(" from s{}", answer.server);
  }
  note(index, fmt::format("return {} {} {}", name, key, outcome));
  return ok;
}

std::optional<std::string> Workload::finish(sim::Instant deadline) {
  for (;;) {
    std::optional<std::string> stuck;
    for (size_t i = 0; i < clients_.size() && !stuck; ++i) {
      if (!clients_[i].done) {
        stuck = fmt::format("client c{} did not finish its operation", i);
      } else if (probe_deadline_ && !clients_[i].probe_ok) {
        stuck = fmt::format("client c{} could not complete an operation", i);
      }
    }
    if (!stuck || world_.now() >= deadline) return stuck;
    sim::sleep_for(sim::Duration::milliseconds(10));
  }
}

}  // namespace scenarios
