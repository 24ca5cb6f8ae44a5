#include "tests/lab/kv_tester.h"

#include <fmt/core.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "checkers/linearizability/check.h"
#include "checkers/linearizability/history_html.h"
#include "checkers/linearizability/history_json.h"
#include "raft/kv/registry.h"
#include "raft/kv/state_machine.h"
#include "sim/assert.h"
#include "tests/lab/harness.h"

namespace lab {

namespace lin = checkers::linearizability;

KvTester::KvTester(Tester& t, const KvLabTest& test)
    : t_(t), name_(test.name), max_raft_state_(test.max_raft_state) {
  // kvraft's config does not turn on labrpc's long delays: a cut-off clerk learns within 100 ms.
  t_.network().set_long_delays(false);
  // A failing test's artifacts picture the history (harness.h): read it while this tester lives,
  // and keep its last copy when it ends (a failed check unwinds it before the artifacts are
  // written).
  t_.set_history_source([this] { return history_.to_json(); });
}

KvTester::~KvTester() {
  t_.set_history_json(history_.to_json());
  t_.set_history_source({});
}

// ---------------------------------------------------------------- servers and clerks

std::vector<int> KvTester::all() const {
  std::vector<int> servers;
  for (int i = 0; i < t_.servers(); ++i) servers.push_back(i);
  return servers;
}

int KvTester::leader() {
  for (int i = 0; i < t_.servers(); ++i) {
    if (t_.alive(i) && t_.state(i).is_leader) return i;
  }
  return -1;
}

// The leader goes into the minority p2, with as many other servers as make half.
std::pair<std::vector<int>, std::vector<int>> KvTester::make_partition() {
  const int l = std::max(leader(), 0);
  const size_t p1_size = static_cast<size_t>(t_.servers() / 2 + 1);
  std::vector<int> p1;
  std::vector<int> p2;
  for (int i = 0; i < t_.servers(); ++i) {
    if (i == l) continue;
    (p1.size() < p1_size ? p1 : p2).push_back(i);
  }
  p2.push_back(l);
  return {p1, p2};
}

void KvTester::partition(const std::vector<int>& p1, const std::vector<int>& p2) {
  LabNetwork& network = t_.network();
  const auto link = [&network](const std::vector<int>& from, const std::vector<int>& to, bool on) {
    for (int i : from) {
      for (int j : to) {
        network.enable(i, j, on);
        network.enable(j, i, on);
      }
    }
  };
  link(p1, p2, false);
  link(p1, p1, true);
  link(p2, p2, true);
}

void KvTester::connect_all() {
  for (int i = 0; i < t_.servers(); ++i) t_.connect(i);
}

std::shared_ptr<LabClerk> KvTester::make_client(const std::vector<int>& to,
                                                kv::ClerkOptions options) {
  LabNetwork& network = t_.network();
  const int end = network.add_client();
  std::vector<std::shared_ptr<raft::PeerEnd>> ends;
  for (int j = 0; j < t_.servers(); ++j) {
    ends.push_back(std::make_shared<LabClientEnd>(network, end, j));
  }
  auto clerk = std::make_shared<LabClerk>(LabClerk{end, kv::Clerk(ends, options, &history_)});
  connect_client(*clerk, to);
  return clerk;
}

void KvTester::connect_client(LabClerk& clerk, const std::vector<int>& to) {
  for (int j = 0; j < t_.servers(); ++j) t_.network().enable_client(clerk.end, j, false);
  for (int j : to) t_.network().enable_client(clerk.end, j, true);
}

// ---------------------------------------------------------------- operations

std::string KvTester::get(LabClerk& clerk, const std::string& key) {
  std::optional<std::string> value = clerk.clerk.get(key);
  RAFTSIM_ASSERT(value.has_value());  // the lab's clerks never give up
  t_.count_op();
  return *value;
}

void KvTester::put(LabClerk& clerk, const std::string& key, const std::string& value) {
  const bool done = clerk.clerk.put(key, value);
  RAFTSIM_ASSERT(done);  // the lab's clerks never give up
  t_.count_op();
}

void KvTester::append(LabClerk& clerk, const std::string& key, const std::string& value) {
  const bool done = clerk.clerk.append(key, value);
  RAFTSIM_ASSERT(done);
  t_.count_op();
}

void KvTester::check(LabClerk& clerk, const std::string& key, const std::string& value) {
  const std::string v = get(clerk, key);
  if (v != value) fatal(fmt::format("Get({}): expected:\n{}\nreceived:\n{}", key, value, v));
}

// ---------------------------------------------------------------- linearizability

LinearizabilityOutcome KvTester::check_history() {
  const auto wall_start = std::chrono::steady_clock::now();  // a measurement, not an input
  // Through the file format, so every run proves the recorder writes what the checker reads.
  const std::string json = history_.to_json();
  const lin::AnyHistory history = lin::read_history_json(json, name_);
  lin::CheckOptions options;
  options.steps_max = kCheckStepsMax;
  options.time_budget_ms = kCheckTimeBudgetMs;
  const lin::CheckResult result = lin::check(history, options);
  LinearizabilityOutcome outcome;
  outcome.verdict = result.verdict;
  outcome.operations = history_.size();
  outcome.steps = result.steps;
  outcome.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start)
          .count();
  if (result.verdict == lin::Verdict::ok) return outcome;
  // Keep the history, for `raftsim check`, and picture an illegal one.
  const std::filesystem::path stem =
      std::filesystem::temp_directory_path() /
      fmt::format("raftsim-{}-seed{}-{}", name_, t_.seed(), ++files_);
  outcome.history_path = stem.string() + ".json";
  std::ofstream(outcome.history_path) << json;
  if (result.verdict == lin::Verdict::illegal) {
    const std::string title = fmt::format("{} seed {}", name_, t_.seed());
    outcome.picture_path = stem.string() + ".html";
    std::ofstream(outcome.picture_path)
        << lin::render_history_html({lin::picture_input(history, result, title)});
  }
  return outcome;
}

void KvTester::end() {
  const LinearizabilityOutcome outcome = check_history();
  if (!t_.quiet()) {
    fmt::print("  linearizability: {} ops, {}, {} steps, {:.1f} ms\n", outcome.operations,
               lin::to_string(outcome.verdict), outcome.steps, outcome.elapsed_ms);
  }
  if (outcome.verdict == lin::Verdict::illegal) {
    if (!t_.quiet()) fmt::print("  history picture: {}\n", outcome.picture_path);
    fatal(fmt::format("history is not linearizable; picture: {}; history: {}", outcome.picture_path,
                      outcome.history_path));
  }
  if (outcome.verdict == lin::Verdict::unknown) {
    fatal(fmt::format(
        "linearizability check ran out of budget ({} steps, {} ms) on {} ops; history: {}",
        kCheckStepsMax, kCheckTimeBudgetMs, outcome.operations, outcome.history_path));
  }
  t_.end();
}

// ---------------------------------------------------------------- harness

sim::DiskOptions kv_lab_disk() {
  sim::DiskOptions disk;
  disk.fsync_latency_min = sim::Duration::milliseconds(3);
  disk.fsync_latency_tail_mean = sim::Duration::milliseconds(3);
  disk.fsync_latency_max = sim::Duration::milliseconds(30);
  return disk;
}

std::string kv_service_name() {
  const char* name = std::getenv("RAFTSIM_KV");
  return name != nullptr && *name != '\0' ? name : "reference";
}

void run_kv_lab_test(const KvLabTest& test, const std::function<void(KvTester&)>& body,
                     const std::function<void(kv::ServerOptions&)>& adjust) {
  const std::string name = kv_service_name();
  const kv::KvImplementation* service = kv::find_kv_implementation(name);
  if (service == nullptr) {
    FAIL(fmt::format("RAFTSIM_KV={} is not a known KV service (known: {})", name,
                     kv::kv_implementation_names()));
  }
  kv::ServerOptions server_options;
  server_options.max_raft_state = test.max_raft_state;
  if (adjust) adjust(server_options);
  const auto configure = [service, server_options, adjust](TesterOptions& options) {
    options.disk = kv_lab_disk();
    kv::ServerOptions effective = server_options;
    effective.mutant = options.mutant;
    // This seed's services, by server, for kill() before a crash.
    auto services = std::make_shared<std::vector<std::weak_ptr<kv::Service>>>(
        static_cast<size_t>(options.servers));
    options.service.boot = [service, effective, adjust, services](
                               int server, std::shared_ptr<raft::Peer> peer,
                               std::shared_ptr<sim::Channel<raft::ApplyMsg>> apply,
                               sim::Persister& persister) {
      std::shared_ptr<kv::Service> made;
      if (adjust) {
        // A test of the reference server with options of its own (kv_broken_test.cpp).
        made = kv::Server::start(std::move(peer), std::move(apply), persister, effective);
      } else {
        kv::ServiceContext context;
        context.raft = std::move(peer);
        context.apply = std::move(apply);
        context.persister = &persister;
        context.me = server;
        context.max_raft_state = effective.max_raft_state;
        context.mutant = effective.mutant;
        made = service->make(std::move(context));
      }
      RAFTSIM_ASSERT(made != nullptr);
      (*services)[static_cast<size_t>(server)] = made;
    };
    options.service.kill = [services](int server) {
      if (std::shared_ptr<kv::Service> made = (*services)[static_cast<size_t>(server)].lock()) {
        made->kill();
      }
    };
    const kv::SnapshotIndexDecoder decoder =
        adjust ? kv::SnapshotIndexDecoder(&kv::snapshot_index) : service->snapshot_index;
    options.service.snapshot_index = [decoder](const raft::Bytes& snapshot) {
      return decoder ? decoder(snapshot) : std::nullopt;
    };
    options.service.snapshot_error =
        decoder ? fmt::format(
                      "the KV service '{}' cannot decode it (its snapshot_index decoder "
                      "returned nullopt)",
                      service->name)
                : fmt::format(
                      "the KV service '{}' registers no snapshot_index decoder "
                      "(raft/kv/registry.h), so the safety checker cannot tell where its "
                      "applies resume",
                      service->name);
  };
  run_lab_test({test.name, test.servers, test.reliable, false}, configure,
               [&test, &body](Tester& t) {
                 KvTester kv(t, test);
                 body(kv);
               });
}

}  // namespace lab
