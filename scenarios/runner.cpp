#include "scenarios/runner.h"

#include <fmt/core.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "checkers/api_contract.h"
#include "checkers/convergence.h"
#include "checkers/linearizability/check.h"
#include "checkers/progress.h"
#include "checkers/safety.h"
#include "raft/kv/clerk.h"
#include "raft/kv/history_recorder.h"
#include "raft/kv/messages.h"
#include "raft/kv/registry.h"
#include "raft/kv/server.h"
#include "raft/kv/state_machine.h"
#include "raft/mutant.h"
#include "raft/registry.h"
#include "scenarios/fault_injector.h"
#include "scenarios/nemesis.h"
#include "scenarios/observers.h"
#include "scenarios/trace_observer.h"
#include "scenarios/workload.h"
#include "sim/channel.h"
#include "sim/runtime.h"
#include "sim/stopwatch.h"

namespace scenarios {

const char* to_string(Status status) {
  switch (status) {
    case Status::ok:
      return "ok";
    case Status::safety:
      return "safety";
    case Status::linearizability:
      return "linearizability";
    case Status::liveness:
      return "liveness";
    case Status::crash:
      return "crash";
    case Status::unknown:
      return "unknown";
    case Status::resource:
      return "resource";
  }
  return "?";
}

std::optional<Status> status_from_string(std::string_view name) {
  for (Status s : {Status::ok, Status::safety, Status::linearizability, Status::liveness,
                   Status::crash, Status::unknown, Status::resource}) {
    if (name == to_string(s)) return s;
  }
  return std::nullopt;
}

int exit_code(Status status) {
  switch (status) {
    case Status::ok:
      return 0;
    case Status::safety:
      return 1;
    case Status::linearizability:
      return 2;
    case Status::liveness:
      return 3;
    case Status::crash:
      return 4;
    case Status::unknown:
      return 6;
    case Status::resource:
      return 7;
  }
  return 4;
}

namespace {

// The client id of the tester's own commands (start_burst): clerks draw theirs below 2^62.
constexpr uint64_t kTesterClientId = uint64_t{1} << 63;

// Makes RAFTSIM_ASSERT throw on this thread for the scope of a run.
class AssertHandlerScope {
 public:
  AssertHandlerScope() : previous_(sim::set_assert_handler(sim::throwing_assert_handler)) {}
  ~AssertHandlerScope() { sim::set_assert_handler(previous_); }
  AssertHandlerScope(const AssertHandlerScope&) = delete;
  AssertHandlerScope& operator=(const AssertHandlerScope&) = delete;

 private:
  sim::AssertHandler previous_;
};

// What the KV service on a node sees of its Raft peer: the peer itself, with every Start
// reported to the tester's oracles (the API contract and progress checkers).
class ObservedPeer final : public raft::Peer {
 public:
  using StartListener = std::function<void(const raft::Bytes&, const raft::StartResult&)>;
  ObservedPeer(std::shared_ptr<raft::Peer> inner, StartListener listener)
      : inner_(std::move(inner)), listener_(std::move(listener)) {}

  raft::StartResult start(const raft::Bytes& command) override {
    const raft::StartResult result = inner_->start(command);
    listener_(command, result);
    return result;
  }
  raft::PeerState state() override { return inner_->state(); }
  void snapshot(raft::Index index, const raft::Bytes& snapshot) override {
    inner_->snapshot(index, snapshot);
  }
  void kill() override { inner_->kill(); }

 private:
  std::shared_ptr<raft::Peer> inner_;
  StartListener listener_;
};

// Everything one run owns; it outlives the world's fibers (the world is destroyed first).
class Run {
 public:
  Run(const Scenario& scenario, uint64_t seed, const RunOptions& options);
  RunResult execute();

 private:
  void boot(int node);
  // What one poll of every peer's state() found.
  struct Poll {
    std::optional<int> leader;  // the highest-term peer that believes it leads
    raft::Term leader_term = 0;
    bool backed = false;  // a majority of the cluster is up in the leader's term
  };
  Poll poll_peers();
  std::optional<int> find_leader();
  void monitor_loop();
  void check_progress(const Poll& poll);
  void await_convergence();
  void on_start(int node, const raft::Bytes& command, const raft::StartResult& result);
  void start_burst(int node, int count);
  void nemesis_loop();
  void main_loop();
  void fail(Status status, std::string property, std::string message);
  void judge_history(RunResult& result);

  const Scenario& scenario_;
  const RunOptions& options_;
  const raft::Implementation* implementation_;
  const kv::KvImplementation* kv_implementation_;
  raft::Mutant mutant_ = raft::Mutant::none;
  std::vector<FaultEvent> timeline_;
  std::unique_ptr<checkers::SafetyChecker> safety_;
  std::unique_ptr<checkers::ApiContractChecker> contract_;
  std::unique_ptr<checkers::ProgressChecker> progress_;  // null when checks.progress is off
  std::unique_ptr<MomentObserver> moments_;
  std::unique_ptr<ObserverFanout> fanout_;   // safety, contract, moments
  std::unique_ptr<TraceObserver> observer_;  // mirrors protocol events into the trace
  kv::HistoryRecorder recorder_;
  std::vector<std::weak_ptr<raft::Peer>> peers_;
  std::vector<std::weak_ptr<kv::Service>> servers_;
  std::optional<FailureInfo> failure_;
  std::unique_ptr<sim::World> world_;
  std::unique_ptr<FaultInjector> injector_;
  std::unique_ptr<Workload> workload_;
  uint64_t tester_seq_ = 0;  // start_burst's commands
  uint64_t monitor_polls_ = 0;
  uint64_t leaderless_polls_ = 0;
};

sim::WorldOptions world_options(const Scenario& scenario, uint64_t seed, const RunOptions& o) {
  sim::WorldOptions w;
  w.seed = seed;
  w.network = network_options(scenario.network);
  w.disk = disk_options(scenario.disk);
  w.trace.record_all = o.record_trace;
  w.trace.recent_max = 40;
  w.guard = o.guard;
  if (o.fibers_max != 0) w.fibers_max = static_cast<size_t>(o.fibers_max);
  return w;
}

Run::Run(const Scenario& scenario, uint64_t seed, const RunOptions& options)
    : scenario_(scenario), options_(options) {
  implementation_ = raft::find_implementation(options.impl);
  if (implementation_ == nullptr) {
    throw std::invalid_argument(fmt::format("unknown implementation '{}' (known: {})", options.impl,
                                            raft::implementation_names()));
  }
  kv_implementation_ = kv::find_kv_implementation(options.kv);
  if (kv_implementation_ == nullptr) {
    throw std::invalid_argument(fmt::format("unknown KV service '{}' (known: {})", options.kv,
                                            kv::kv_implementation_names()));
  }
  const std::optional<raft::Mutant> mutant = raft::find_mutant(options.mutant);
  if (!mutant) {
    throw std::invalid_argument(
        fmt::format("unknown mutant '{}' (known: {})", options.mutant, raft::mutant_names()));
  }
  mutant_ = *mutant;
  timeline_ = draw_timeline(scenario, seed);
  const int n = scenario.cluster.nodes;
  safety_ = std::make_unique<checkers::SafetyChecker>(n, [this](const checkers::Violation& v) {
    fail(Status::safety, v.property,
         fmt::format("{} (term {}, index {})", v.message, v.term, v.index));
  });
  safety_->ignore(options.ignored_properties);
  contract_ =
      std::make_unique<checkers::ApiContractChecker>(n, [this](const checkers::Violation& v) {
        if (scenario_.checks.api_contract) {
          fail(Status::safety, v.property,
               fmt::format("{} (term {}, index {})", v.message, v.term, v.index));
        }
      });
  if (scenario.checks.progress) {
    progress_ = std::make_unique<checkers::ProgressChecker>(n, scenario.liveness.progress_within);
  }
  peers_.resize(static_cast<size_t>(n));
  servers_.resize(static_cast<size_t>(n));
  world_ = std::make_unique<sim::World>(world_options(scenario, seed, options));
  if (options.trace_listener) world_->trace().set_listener(options.trace_listener);
  injector_ = std::make_unique<FaultInjector>(
      *world_, scenario, [this] { return find_leader(); },
      [this](int node, int count) { start_burst(node, count); });
  moments_ = std::make_unique<MomentObserver>(*injector_, n);
  fanout_ = std::make_unique<ObserverFanout>(
      std::vector<raft::Observer*>{safety_.get(), contract_.get(), moments_.get()});
  observer_ = std::make_unique<TraceObserver>(*world_, *fanout_);
  for (int i = 0; i < n; ++i) world_->add_node(fmt::format("s{}", i), [this, i] { boot(i); });
  workload_ = std::make_unique<Workload>(*world_, scenario, recorder_);
}

void Run::boot(int node) {
  // A new life: the service restores its snapshot before Raft starts, and applies resume after it.
  const raft::Bytes snapshot = world_->persister(node).read_snapshot();
  std::optional<raft::Index> restored;
  if (!snapshot.empty()) {
    if (!kv_implementation_->snapshot_index) {
      fail(Status::crash, "snapshot index",
           fmt::format("node {} restarts from a snapshot, but the KV service '{}' registers no "
                       "snapshot_index decoder (raft/kv/registry.h), so the safety checker cannot "
                       "tell where its applies resume",
                       node, kv_implementation_->name));
      return;
    }
    restored = kv_implementation_->snapshot_index(snapshot);
    if (!restored.has_value()) {
      fail(Status::crash, "snapshot index",
           fmt::format("node {} restarts from a snapshot that the KV service '{}' cannot decode",
                       node, kv_implementation_->name));
      return;
    }
  }
  fanout_->on_restart(node, restored.value_or(0));
  if (progress_) progress_->on_restart(node);
  auto apply = std::make_shared<sim::Channel<raft::ApplyMsg>>(0, "apply");
  sim::keep(apply);
  raft::PeerContext context;
  // By default a peer call outlasts a round trip under load, yet fails well within an election
  // timeout; a scenario may let replies outlive their term instead.
  const sim::Duration call_timeout =
      scenario_.cluster.rpc_timeout.value_or(scenario_.cluster.election_timeout_min / 2);
  for (int j = 0; j < scenario_.cluster.nodes; ++j) {
    context.peers.push_back(std::make_shared<raft::SimPeerEnd>(j, call_timeout));
  }
  context.me = node;
  context.persister = &world_->persister(node);
  context.apply = apply;
  context.observer = observer_.get();
  context.options.heartbeat_interval = scenario_.cluster.heartbeat_interval;
  context.options.election_timeout_min = scenario_.cluster.election_timeout_min;
  context.options.election_timeout_max = scenario_.cluster.election_timeout_max;
  context.options.mutant = mutant_;
  std::shared_ptr<raft::Peer> peer = implementation_->make(std::move(context));
  sim::keep(peer);
  peers_[static_cast<size_t>(node)] = peer;
  auto observed = std::make_shared<ObservedPeer>(
      peer, [this, node](const raft::Bytes& command, const raft::StartResult& result) {
        on_start(node, command, result);
      });
  std::shared_ptr<kv::Service> server;
  if (kv_implementation_->name == "reference") {
    // The reference server also takes the scenario's apply_cost, which kv::ServiceContext does
    // not carry (it is a knob of this server, not of the service interface).
    kv::ServerOptions server_options;
    server_options.max_raft_state = scenario_.cluster.max_raft_state;
    server_options.mutant = mutant_;
    server_options.apply_cost = scenario_.cluster.apply_cost;
    server = kv::Server::start(observed, apply, world_->persister(node), server_options);
  } else {
    kv::ServiceContext service;
    service.raft = observed;
    service.apply = apply;
    service.persister = &world_->persister(node);
    service.me = node;
    service.max_raft_state = scenario_.cluster.max_raft_state;
    service.mutant = mutant_;
    server = kv_implementation_->make(std::move(service));
    RAFTSIM_ASSERT(server != nullptr);
  }
  sim::keep(server);
  servers_[static_cast<size_t>(node)] = server;
}

// start_burst: Gets of the tester's own client straight into `node`'s Raft, as the lab's tests
// call Start; the service applies them like any Get, and the oracles judge them like any Start.
void Run::start_burst(int node, int count) {
  std::shared_ptr<raft::Peer> peer = peers_[static_cast<size_t>(node)].lock();
  if (!peer || !world_->is_up(node)) return;
  for (int k = 0; k < count; ++k) {
    const kv::Command command{kTesterClientId, ++tester_seq_, kv::OpKind::get, "k0", ""};
    const raft::Bytes bytes = sim::wire::encode(command);
    on_start(node, bytes, peer->start(bytes));
  }
}

void Run::on_start(int node, const raft::Bytes& command, const raft::StartResult& result) {
  contract_->on_start(node, command, result);
  if (progress_ && result.is_leader) {
    progress_->on_start(node, result.index, result.term, world_->now());
  }
}

// Polls every peer's state: the highest-term peer that believes it leads, and whether a majority
// of the cluster is up in that leader's term (the monitor's measure of availability).
Run::Poll Run::poll_peers() {
  Poll poll;
  raft::Term best = 0;
  std::vector<raft::Term> terms;  // of the peers that are up
  for (size_t i = 0; i < peers_.size(); ++i) {
    std::shared_ptr<raft::Peer> peer = peers_[i].lock();
    if (!peer || !world_->is_up(static_cast<sim::NodeId>(i))) continue;
    const raft::PeerState state = peer->state();
    fanout_->on_state(static_cast<raft::NodeId>(i), state.term, state.is_leader);
    terms.push_back(state.term);
    if (state.is_leader && (!poll.leader || state.term > best)) {
      poll.leader = static_cast<int>(i);
      best = state.term;
    }
  }
  poll.leader_term = best;
  const auto in_term = static_cast<size_t>(std::count(terms.begin(), terms.end(), best));
  poll.backed = poll.leader.has_value() && in_term >= peers_.size() / 2 + 1;
  return poll;
}

std::optional<int> Run::find_leader() { return poll_peers().leader; }

// Polls every peer's state, so Election Safety is checked even for implementations that report
// no observer events, and counts the polls that find no leader backed by a majority in its term.
void Run::monitor_loop() {
  for (;;) {
    sim::sleep_for(scenario_.cluster.heartbeat_interval);
    ++monitor_polls_;
    const Poll poll = poll_peers();
    if (!poll.backed) ++leaderless_polls_;
    if (progress_) check_progress(poll);
  }
}

void Run::check_progress(const Poll& poll) {
  const FaultInjector::StableGroup group = injector_->stable_group();
  checkers::ProgressPoll p;
  p.now = world_->now();
  p.group = group.nodes;
  p.group_since = group.since;
  p.leader = poll.leader;
  p.leader_term = poll.leader_term;
  p.backed = poll.backed;
  if (poll.leader) {
    if (std::shared_ptr<kv::Service> server = servers_[static_cast<size_t>(*poll.leader)].lock()) {
      // A service that cannot tell its applied index gets no progress check (kv/service.h).
      const std::optional<raft::Index> applied = server->applied_index();
      if (!applied.has_value()) return;
      p.leader_applied = *applied;
    }
  }
  if (std::optional<checkers::Violation> v = progress_->on_poll(p)) {
    fail(Status::liveness, v->property, v->message);
  }
}

// After the clients are done: every live replica applies what any of them applied, and replicas
// at the same index hold the same state (checkers/convergence.h). While they have not converged,
// a barrier (Workload::barrier) lets a leader elected after the last operation commit what its
// predecessors left, then the replicas get a while to catch up before the next barrier.
void Run::await_convergence() {
  const sim::Instant start = world_->now();
  const sim::Instant deadline = start + scenario_.liveness.converge_within;
  const sim::Duration catch_up = sim::Duration::seconds(1);
  sim::Instant next_barrier = start + catch_up;
  for (;;) {
    std::vector<checkers::ReplicaPoll> replicas(servers_.size());
    for (size_t i = 0; i < servers_.size(); ++i) {
      std::shared_ptr<kv::Service> server = servers_[i].lock();
      if (!server || !world_->is_up(static_cast<sim::NodeId>(i))) continue;
      const std::optional<raft::Index> applied = server->applied_index();
      if (!applied.has_value()) return;  // a service that cannot tell: no convergence check
      replicas[i].up = true;
      replicas[i].applied = *applied;
    }
    checkers::ConvergenceVerdict verdict = checkers::judge_convergence(replicas);
    if (verdict.converged) {
      // Every replica is at one index: their states must agree.
      for (size_t i = 0; i < servers_.size(); ++i) {
        if (!replicas[i].up) continue;
        if (std::shared_ptr<kv::Service> server = servers_[i].lock()) {
          // A service without a digest is compared by applied index only.
          replicas[i].digest = server->state_digest().value_or(0);
        }
      }
      verdict = checkers::judge_convergence(replicas);
    }
    if (verdict.divergence) {
      fail(Status::safety, verdict.divergence->property, verdict.divergence->message);
      return;
    }
    if (verdict.converged) return;
    if (world_->now() >= next_barrier && world_->now() < deadline) {
      workload_->barrier(std::min(deadline, world_->now() + catch_up));
      next_barrier = world_->now() + catch_up;
      continue;
    }
    if (world_->now() >= deadline) {
      fail(Status::liveness, "Convergence",
           fmt::format("Convergence violated: {}, {} after the clients finished at {}", verdict.lag,
                       sim::to_string(scenario_.liveness.converge_within), sim::to_string(start)));
      return;
    }
    sim::sleep_for(sim::Duration::milliseconds(10));
  }
}

void Run::nemesis_loop() {
  for (const FaultEvent& event : timeline_) {
    const sim::Instant at = sim::Instant() + event.at;
    if (at > world_->now()) sim::sleep_until(at);
    injector_->apply(event);
  }
}

void Run::fail(Status status, std::string property, std::string message) {
  if (failure_) return;
  FailureInfo info;
  info.status = status;
  info.property = std::move(property);
  info.message = std::move(message);
  info.at_ns = world_->now().ns();
  info.recent = world_->trace().recent();
  failure_ = std::move(info);
  world_->fail(sim::Failure{to_string(status), failure_->message, world_->now(), {}});
}

void Run::main_loop() {
  const sim::Instant heal_at = sim::Instant() + scenario_.duration;
  sim::sleep_until(heal_at);
  const bool liveness = scenario_.liveness.enabled;
  workload_->stop(liveness ? std::optional(heal_at + scenario_.liveness.ops_within) : std::nullopt);
  injector_->heal_all();
  if (!liveness) return;
  const sim::Instant leader_deadline = heal_at + scenario_.liveness.leader_within;
  while (!find_leader()) {
    if (world_->now() >= leader_deadline) {
      fail(Status::liveness, "leader after heal",
           fmt::format("no leader within {} after every fault healed at {}",
                       sim::to_string(scenario_.liveness.leader_within), sim::to_string(heal_at)));
    }
    sim::sleep_for(sim::Duration::milliseconds(10));
  }
  const sim::Instant ops_deadline = heal_at + scenario_.liveness.ops_within;
  if (std::optional<std::string> stuck = workload_->finish(ops_deadline)) {
    fail(Status::liveness, "operations after heal",
         fmt::format("{} within {} after every fault healed at {}", *stuck,
                     sim::to_string(scenario_.liveness.ops_within), sim::to_string(heal_at)));
  }
  if (scenario_.checks.convergence) await_convergence();
}

void Run::judge_history(RunResult& result) {
  namespace lin = checkers::linearizability;
  result.history = recorder_.take_operations();
  result.operations = result.history.size();
  for (const kv::RecordedOp& op : result.history) {
    result.operations_ok += op.return_ns.has_value() ? 1 : 0;
  }
  if (!scenario_.checks.linearizability) {
    result.linearizability = "off";
    return;
  }
  if (failure_ && failure_->status == Status::resource) {
    result.linearizability = "skipped";  // an oversized run's history would be oversized too
    return;
  }
  const sim::Stopwatch checker_wall;
  lin::CheckOptions check_options;
  check_options.time_budget_ms = 0;  // deterministic: only the step budget
  check_options.steps_max = options_.checker_steps_max;
  const lin::CheckResult check = lin::check(checker_history(result.history), check_options);
  result.checker_ms = checker_wall.milliseconds();
  result.linearizability = std::string(lin::to_string(check.verdict));
  if (failure_ && failure_->status != Status::liveness) return;
  if (check.verdict == lin::Verdict::ok) return;
  FailureInfo info;
  info.status = check.verdict == lin::Verdict::illegal ? Status::linearizability : Status::unknown;
  info.property = check.verdict == lin::Verdict::illegal ? "linearizability" : "checker budget";
  for (const lin::PartitionResult& partition : check.partitions) {
    if (partition.verdict != check.verdict) continue;
    if (partition.verdict == lin::Verdict::illegal) {
      const size_t placed =
          partition.linearizations.empty() ? 0 : partition.linearizations[0].size();
      info.message = fmt::format(
          "key '{}' is not linearizable: at most {} of its {} operations can be ordered",
          partition.key, placed, partition.operations.size());
    } else {
      info.message = fmt::format("key '{}': the checker's step budget ran out ({} operations)",
                                 partition.key, partition.operations.size());
    }
    break;
  }
  info.at_ns = world_->now().ns();
  failure_ = std::move(info);
}

RunResult Run::execute() {
  const sim::Stopwatch wall;
  // An implementation's failed assertion ends the run as a crash instead of aborting the process.
  const AssertHandlerScope throwing_asserts;
  RunResult result;
  result.timeline = timeline_;
  for (int i = 0; i < scenario_.cluster.nodes; ++i) world_->start(i);
  const sim::NodeId control = world_->add_process("control");
  world_->spawn(control, "nemesis", [this] { nemesis_loop(); });
  world_->spawn(control, "monitor", [this] { monitor_loop(); });
  workload_->start();
  try {
    world_->run_main(control, [this] { main_loop(); });
  } catch (const std::exception& error) {
    // The world's own record names the fiber and node that threw, and the stack of an assertion;
    // the rethrown exception knows only its text.
    if (!failure_ && !world_->failure()) fail(Status::crash, "exception", error.what());
  }
  if (!failure_ && world_->failure()) {
    const sim::Failure& f = *world_->failure();
    FailureInfo info;
    info.status = f.kind == "resource" ? Status::resource : Status::crash;
    info.property = f.kind == "resource" ? "resource limit" : f.kind;
    info.message = f.message;
    info.at_ns = f.at.ns();
    info.nodes.assign(f.nodes.begin(), f.nodes.end());
    info.recent = world_->trace().recent();
    failure_ = std::move(info);
  }
  judge_history(result);
  result.fingerprint = world_->fingerprint();
  result.stats = world_->stats();
  if (options_.record_trace) result.trace = world_->trace().all();
  for (size_t i = 0; i < world_->node_count(); ++i) {
    result.node_names.push_back(world_->node_name(static_cast<sim::NodeId>(i)));
  }
  RAFTSIM_ASSERT(result.node_names == node_names(scenario_));
  result.monitor_polls = monitor_polls_;
  result.leaderless_polls = leaderless_polls_;
  result.ignored_violations = safety_->ignored();
  result.failure = failure_;
  result.status = failure_ ? failure_->status : Status::ok;
  result.wall_ms = wall.milliseconds();
  return result;
}

}  // namespace

std::vector<std::string> node_names(const Scenario& scenario) {
  std::vector<std::string> names;
  for (int i = 0; i < scenario.cluster.nodes; ++i) names.push_back(fmt::format("s{}", i));
  names.push_back("control");
  for (int i = 0; i < scenario.workload.clients; ++i) names.push_back(fmt::format("c{}", i));
  return names;
}

checkers::linearizability::KvHistory checker_history(const std::vector<kv::RecordedOp>& ops) {
  namespace lin = checkers::linearizability;
  lin::KvHistory history;
  history.operations.reserve(ops.size());
  for (const kv::RecordedOp& op : ops) {
    lin::Operation<lin::KvModel>& out = history.operations.emplace_back();
    out.client = op.client;
    out.call_ns = op.call_ns;
    out.return_ns = op.return_ns;
    out.call.op = op.kind == kv::OpKind::get   ? lin::KvOp::get
                  : op.kind == kv::OpKind::put ? lin::KvOp::put
                                               : lin::KvOp::append;
    out.call.key = op.key;
    if (op.kind != kv::OpKind::get) out.call.value = op.value;
    if (op.kind == kv::OpKind::get && op.return_ns.has_value()) out.call.output = op.output;
    if (op.return_ns.has_value() && op.answer.has_value()) {
      out.server = op.answer->server;
      if (op.answer->index != 0) out.index = static_cast<int64_t>(op.answer->index);
    }
  }
  return history;
}

std::string history_json(const RunResult& result) { return kv::history_json(result.history); }

RunResult run(const Scenario& scenario, uint64_t seed, const RunOptions& options) {
  Run run(scenario, seed, options);
  return run.execute();
}

}  // namespace scenarios
