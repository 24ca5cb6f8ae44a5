#include "tests/lab/tester.h"

#include <fmt/core.h>

#include "scenarios/trace_observer.h"
#include "sim/runtime.h"
#include "sim/wire.h"

namespace lab {

using sim::Duration;

raft::Bytes int_command(int64_t value) { return sim::wire::encode(value); }

std::optional<int64_t> command_int(const raft::Bytes& command) {
  return sim::wire::decode<int64_t>(command);
}

std::string describe_command(const raft::Bytes& command) {
  if (std::optional<int64_t> value = command_int(command)) return std::to_string(*value);
  return fmt::format("<{} bytes>", command.size());
}

Tester::Tester(TesterOptions options) : options_(options), rng_(options.seed) {
  RAFTSIM_ASSERT(options_.servers > 0);
  RAFTSIM_ASSERT(options_.implementation != nullptr);
  sim::WorldOptions world_options;
  world_options.seed = options_.seed;
  // labrpc delivers at once; the transport below the course's network is fast and reliable.
  world_options.network.latency_min = Duration::microseconds(100);
  world_options.network.latency_tail_mean = Duration::microseconds(100);
  world_options.network.latency_max = Duration::milliseconds(1);
  world_options.disk = options_.disk;
  if (options_.fibers_max != 0) world_options.fibers_max = static_cast<size_t>(options_.fibers_max);
  world_options.trace.record_all = options_.record_trace;
  world_ = std::make_unique<sim::World>(world_options);
  rng_ = world_->fork_rng("tester");
  network_ = std::make_unique<LabNetwork>(*world_, options_.servers);
  network_->set_reliable(options_.reliable);
  checker_ = std::make_unique<checkers::SafetyChecker>(
      options_.servers, [this](const checkers::Violation& v) { report_violation(v); });
  checker_->ignore(options_.ignored_properties);  // names checked by the harness (harness.cpp)
  observer_ = std::make_unique<scenarios::TraceObserver>(*world_, *checker_);
  const size_t n = static_cast<size_t>(options_.servers);
  peers_.resize(n);
  connected_.assign(n, false);
  logs_.resize(n);
  last_applied_.assign(n, 0);
  apply_errors_.resize(n);
  for (int i = 0; i < options_.servers; ++i) {
    world_->add_node(fmt::format("s{}", i), [this, i] { boot(i); });
  }
  process_ = world_->add_process("tester");
}

Tester::~Tester() {
  world_.reset();  // first: the peers hold ends into the network and report to the checker
}

std::optional<RunFailure> Tester::run(const std::function<void(Tester&)>& body) {
  bool finished = false;
  try {
    finished = world_->run_main(process_, [this, &body] {
      for (int i = 0; i < options_.servers; ++i) restart(i);
      for (int i = 0; i < options_.servers; ++i) connect(i);
      body(*this);
    });
  } catch (const LabFailure& failure) {
    return RunFailure{"test", failure.what(), world_->now()};
  } catch (const std::bad_alloc& error) {
    return RunFailure{"resource",
                      "memory ran out: std::bad_alloc (" + std::string(error.what()) + ")",
                      world_->now()};
  } catch (const std::exception& error) {
    return RunFailure{"exception", "exception: " + std::string(error.what()), world_->now()};
  }
  const sim::Stats stats = world_->stats();
  figures_.events = stats.events;
  if (finished) return std::nullopt;
  if (const std::optional<sim::Failure>& failure = world_->failure()) {
    return RunFailure{failure->kind,
                      fmt::format("{} failure at {}: {}", failure->kind,
                                  sim::to_string(failure->at), failure->message),
                      failure->at};
  }
  return RunFailure{"test", "the run stopped before the test finished", world_->now()};
}

std::vector<std::string> Tester::node_names() const {
  std::vector<std::string> names;
  for (size_t i = 0; i < world_->node_count(); ++i) {
    names.push_back(world_->node_name(static_cast<sim::NodeId>(i)));
  }
  return names;
}

// The events before the violation are in the trace (events.jsonl and log.txt of the failure's
// artifacts, harness.h), not in the message.
void Tester::report_violation(const checkers::Violation& violation) {
  const std::string message =
      fmt::format("{} (term {}, index {})", violation.message, violation.term, violation.index);
  world_->fail(sim::Failure{"safety", message, world_->now(), violation.nodes});
}

void Tester::fatal(const std::string& message) { throw LabFailure(message); }

void Tester::sleep(Duration duration) { sim::sleep_for(duration); }

// ---------------------------------------------------------------- begin and end

void Tester::begin(const std::string& description) {
  if (!quiet()) fmt::print("{} ...\n", description);
  begin_at_ = world_->now();
  rpcs_at_begin_ = rpc_total();
  bytes_at_begin_ = bytes_total();
  max_index_at_begin_ = max_index_;
  ops_at_begin_ = ops_;
}

void Tester::end() {
  const Duration took = world_->now() - begin_at_;
  // The course's 120 s limit, in simulated time.
  if (took > Duration::seconds(120)) fatal("test took longer than 120 seconds");
  figures_.simulated_s = static_cast<double>(took.ms()) / 1000.0;
  figures_.rpcs = rpc_total() - rpcs_at_begin_;
  figures_.bytes = bytes_total() - bytes_at_begin_;
  figures_.commands = max_index_ - max_index_at_begin_ + (ops_ - ops_at_begin_);
  if (quiet()) return;
  fmt::print("  ... Passed --  {:4.1f}  {} {:4} {:7} {:4}\n", figures_.simulated_s,
             options_.servers, figures_.rpcs, figures_.bytes, figures_.commands);
}

// ---------------------------------------------------------------- servers

void Tester::boot(int server) {
  auto apply = std::make_shared<sim::Channel<raft::ApplyMsg>>(0, "apply");
  sim::keep(apply);
  raft::PeerContext context;
  for (int j = 0; j < options_.servers; ++j) {
    context.peers.push_back(std::make_shared<LabEnd>(*network_, server, j));
  }
  context.me = server;
  context.options.mutant = options_.mutant;
  context.persister = &world_->persister(server);
  context.apply = apply;
  context.observer = observer_.get();
  std::shared_ptr<raft::Peer> peer = options_.implementation->make(std::move(context));
  RAFTSIM_ASSERT(peer != nullptr);
  sim::keep(peer);
  peers_[static_cast<size_t>(server)] = peer;
  if (options_.service.boot) {
    boot_service(server, peer, apply);
    return;
  }
  sim::go("tester applier",
          [this, server, apply, raw = peer.get()] { apply_loop(server, *apply, raw); });
}

// The service reads the apply channel. An implementation that reports no events gets a relay in
// between, which reports the apply stream to the safety checker as the apply readers do.
void Tester::boot_service(int server, std::shared_ptr<raft::Peer> peer,
                          std::shared_ptr<sim::Channel<raft::ApplyMsg>> apply) {
  std::shared_ptr<sim::Channel<raft::ApplyMsg>> service_apply = apply;
  if (!options_.implementation->reports_events) {
    service_apply = std::make_shared<sim::Channel<raft::ApplyMsg>>(0, "service apply");
    sim::keep(service_apply);
    sim::go("tester apply relay", [this, server, apply, service_apply] {
      while (std::optional<raft::ApplyMsg> msg = apply->recv()) {
        observer_->on_apply(server, *msg);
        if (!service_apply->send(std::move(*msg))) return;
      }
    });
  }
  options_.service.boot(server, std::move(peer), std::move(service_apply),
                        world_->persister(server));
}

void Tester::crash(int server) {
  disconnect(server);
  if (options_.service.kill && world_->is_up(server)) options_.service.kill(server);
  std::shared_ptr<raft::Peer>& peer = peers_[static_cast<size_t>(server)];
  if (peer != nullptr) {
    peer->kill();
    peer.reset();
  }
  if (world_->is_up(server)) world_->crash(server);
}

void Tester::restart(int server) {
  crash(server);
  const size_t i = static_cast<size_t>(server);
  last_applied_[i] = 0;
  // The service restores its state from the saved snapshot before Raft starts (start1).
  const raft::Bytes snapshot = world_->persister(server).read_snapshot();
  if (!snapshot.empty() && options_.service.snapshot_index) {
    const std::optional<raft::Index> restored = options_.service.snapshot_index(snapshot);
    if (!restored.has_value()) {
      fatal(fmt::format("server {} restarts from a snapshot: {}", server,
                        options_.service.snapshot_error));
    }
    last_applied_[i] = *restored;
  } else if (!snapshot.empty()) {
    const std::string error = ingest_snapshot(server, snapshot, -1);
    if (!error.empty()) fatal(error);
  }
  checker_->on_restart(server, last_applied_[i]);
  world_->start(server);
  sim::yield();  // the boot fiber runs now, so the new instance exists when we return
  if (peers_[i] == nullptr) fatal(fmt::format("server {} did not boot", server));
}

void Tester::connect(int server) {
  connected_[static_cast<size_t>(server)] = true;
  for (int j = 0; j < options_.servers; ++j) {
    if (connected_[static_cast<size_t>(j)]) {
      network_->enable(server, j, true);
      network_->enable(j, server, true);
    }
  }
}

void Tester::disconnect(int server) {
  connected_[static_cast<size_t>(server)] = false;
  for (int j = 0; j < options_.servers; ++j) {
    network_->enable(server, j, false);
    network_->enable(j, server, false);
  }
}

raft::StartResult Tester::start(int server, const raft::Bytes& command) {
  const std::shared_ptr<raft::Peer> peer = peers_[static_cast<size_t>(server)];
  if (peer == nullptr) return {};
  return peer->start(command);
}

raft::PeerState Tester::state(int server) {
  const std::shared_ptr<raft::Peer> peer = peers_[static_cast<size_t>(server)];
  if (peer == nullptr) return {};
  const raft::PeerState state = peer->state();
  checker_->on_state(server, state.term, state.is_leader);
  return state;
}

size_t Tester::log_size() const {
  size_t size = 0;
  for (int i = 0; i < options_.servers; ++i) {
    size = std::max(size, world_->persister(i).raft_state_size());
  }
  return size;
}

size_t Tester::snapshot_size() const {
  size_t size = 0;
  for (int i = 0; i < options_.servers; ++i) {
    size = std::max(size, world_->persister(i).snapshot_size());
  }
  return size;
}

// ---------------------------------------------------------------- checks

int Tester::check_one_leader() {
  for (int iteration = 0; iteration < 10; ++iteration) {
    const int64_t ms = 450 + static_cast<int64_t>(rng_.below(100));
    sleep(Duration::milliseconds(ms));
    std::map<raft::Term, std::vector<int>> leaders;
    for (int i = 0; i < options_.servers; ++i) {
      if (!connected(i) || !alive(i)) continue;
      const raft::PeerState s = state(i);
      if (s.is_leader) leaders[s.term].push_back(i);
    }
    for (const auto& [term, ids] : leaders) {
      if (ids.size() > 1) fatal(fmt::format("term {} has {} (>1) leaders", term, ids.size()));
    }
    if (!leaders.empty()) return leaders.rbegin()->second.front();
  }
  fatal("expected one leader, got none");
}

raft::Term Tester::check_terms() {
  std::optional<raft::Term> term;
  for (int i = 0; i < options_.servers; ++i) {
    if (!connected(i) || !alive(i)) continue;
    const raft::Term xterm = state(i).term;
    if (!term.has_value()) {
      term = xterm;
    } else if (*term != xterm) {
      fatal("servers disagree on term");
    }
  }
  return term.value_or(0);
}

void Tester::check_no_leader() {
  for (int i = 0; i < options_.servers; ++i) {
    if (connected(i) && alive(i) && state(i).is_leader) {
      fatal(
          fmt::format("expected no leader among connected servers, but {} claims to be leader", i));
    }
  }
}

std::pair<int, std::optional<raft::Bytes>> Tester::n_committed(raft::Index index) {
  int count = 0;
  std::optional<raft::Bytes> command;
  for (int i = 0; i < options_.servers; ++i) {
    const size_t s = static_cast<size_t>(i);
    if (!apply_errors_[s].empty()) fatal(apply_errors_[s]);
    auto it = logs_[s].find(index);
    if (it == logs_[s].end()) continue;
    if (count > 0 && *command != it->second) {
      fatal(fmt::format("committed values do not match: index {}, {}, {}", index,
                        describe_command(*command), describe_command(it->second)));
    }
    ++count;
    command = it->second;
  }
  return {count, command};
}

raft::Index Tester::one(const raft::Bytes& command, int expected_servers, bool retry) {
  const sim::Instant t0 = now();
  int starts = 0;
  while (now() - t0 < Duration::seconds(10)) {
    std::optional<raft::Index> index;
    for (int si = 0; si < options_.servers; ++si) {
      starts = (starts + 1) % options_.servers;
      if (!connected(starts) || !alive(starts)) continue;
      const raft::StartResult result = start(starts, command);
      if (result.is_leader) {
        index = result.index;
        break;
      }
    }
    if (!index.has_value()) {
      sleep(Duration::milliseconds(50));
      continue;
    }
    // Somebody claimed to be the leader and submitted the command; wait a while for agreement.
    const sim::Instant t1 = now();
    while (now() - t1 < Duration::seconds(2)) {
      const auto [count, committed] = n_committed(*index);
      if (count > 0 && count >= expected_servers && committed == command) return *index;
      sleep(Duration::milliseconds(20));
    }
    if (!retry) break;
  }
  fatal(fmt::format("one({}) failed to reach agreement", describe_command(command)));
}

std::optional<raft::Bytes> Tester::wait(raft::Index index, int n, int64_t start_term) {
  Duration pause = Duration::milliseconds(10);
  for (int iteration = 0; iteration < 30; ++iteration) {
    if (n_committed(index).first >= n) break;
    sleep(pause);
    if (pause < Duration::seconds(1)) pause = pause * 2;
    if (start_term > -1) {
      for (int i = 0; i < options_.servers; ++i) {
        // Someone has moved on; we can no longer guarantee that we will "win".
        if (alive(i) && static_cast<int64_t>(state(i).term) > start_term) return std::nullopt;
      }
    }
  }
  const auto [count, command] = n_committed(index);
  if (count < n) {
    fatal(fmt::format("only {} decided for index {}; wanted {}", count, index, n));
  }
  return command;
}

}  // namespace lab
