// kv::Clerk's choice of servers (raft/kv/clerk.h), against scripted server ends in simulated
// time: a refusal comes back in 1 ms, a lost call costs its whole 1 s timeout, as a SimPeerEnd's
// would on a lossy network. Every test counts the calls each server got, in order.
#include "raft/kv/clerk.h"

#include <catch2/catch.hpp>
#include <deque>
#include <memory>
#include <vector>

#include "sim/runtime.h"
#include "sim/wire.h"
#include "sim/world.h"

namespace {

using namespace sim::literals;

enum class Outcome { ok, wrong_leader, lost };

constexpr sim::Duration kAnswerTime = 1_ms;
constexpr sim::Duration kCallTimeout = 1_s;

// One server as its clerk end sees it: the outcomes of its next calls, then `then` forever.
class ScriptedEnd final : public raft::PeerEnd {
 public:
  ScriptedEnd(size_t server, std::vector<size_t>& calls) : server_(server), calls_(calls) {}

  std::deque<Outcome> script;
  Outcome then = Outcome::wrong_leader;

  std::optional<raft::Bytes> call_raw(std::string_view method, const raft::Bytes&) override {
    calls_.push_back(server_);
    Outcome outcome = then;
    if (!script.empty()) {
      outcome = script.front();
      script.pop_front();
    }
    if (outcome == Outcome::lost) {
      sim::sleep_for(kCallTimeout);
      return std::nullopt;
    }
    sim::sleep_for(kAnswerTime);
    const kv::Err err = outcome == Outcome::ok ? kv::Err::ok : kv::Err::wrong_leader;
    // An ok answer names a log index of its own server (40 + its number); a refusal names none.
    const uint64_t index = err == kv::Err::ok ? 40 + server_ : 0;
    if (method == kv::kGetMethod) return sim::wire::encode(kv::GetReply{err, "v", index});
    return sim::wire::encode(kv::PutAppendReply{err, index});
  }

 private:
  size_t server_;
  std::vector<size_t>& calls_;
};

struct Cluster {
  explicit Cluster(size_t servers) {
    for (size_t i = 0; i < servers; ++i) ends.push_back(std::make_shared<ScriptedEnd>(i, calls));
  }
  std::vector<std::shared_ptr<raft::PeerEnd>> peer_ends() const {
    return {ends.begin(), ends.end()};
  }
  size_t calls_to(size_t server) const {
    size_t count = 0;
    for (size_t s : calls) count += s == server ? 1 : 0;
    return count;
  }

  std::vector<size_t> calls;  // the server of every call, in order
  std::vector<std::shared_ptr<ScriptedEnd>> ends;
};

// Runs `body` in a fiber on a tester process of a fresh world.
void in_world(const std::function<void()>& body) {
  sim::World world;
  const sim::NodeId tester = world.add_process("tester");
  REQUIRE(world.run_main(tester, body));
}

}  // namespace

TEST_CASE("clerk: after lost calls, the next operation goes first to the last leader") {
  Cluster cluster(3);
  cluster.ends[1]->script = {Outcome::ok, Outcome::lost, Outcome::lost, Outcome::ok};
  in_world([&] {
    kv::ClerkOptions options;
    options.op_timeout = 1500_ms;
    kv::Clerk clerk(cluster.peer_ends(), options);
    REQUIRE(clerk.get("k") == "v");  // server 0 refuses, server 1 answers
    REQUIRE(cluster.calls == std::vector<size_t>{0, 1});
    // Server 1's calls are lost until the operation gives up; the others refuse it.
    CHECK_FALSE(clerk.get("k").has_value());
    // A lost call says nothing about who leads: the next operation goes to server 1 first.
    cluster.calls.clear();
    CHECK(clerk.get("k") == "v");
    CHECK(cluster.calls == std::vector<size_t>{1});
  });
}

TEST_CASE("clerk: a success records which server answered and the log index it named") {
  Cluster cluster(3);
  cluster.ends[2]->then = Outcome::ok;
  kv::HistoryRecorder recorder;
  in_world([&] {
    kv::ClerkOptions options;
    options.op_timeout = 1500_ms;
    kv::Clerk clerk(cluster.peer_ends(), options, &recorder);
    CHECK_FALSE(clerk.last_answer().has_value());
    REQUIRE(clerk.put("k", "x"));  // servers 0 and 1 refuse, server 2 answers
    REQUIRE(clerk.last_answer().has_value());
    CHECK(clerk.last_answer()->server == 2);
    CHECK(clerk.last_answer()->index == 42);
    cluster.ends[2]->then = Outcome::lost;  // the next operation's outcome stays unknown
    CHECK_FALSE(clerk.get("k").has_value());
  });
  const auto& ops = recorder.operations();
  REQUIRE(ops.size() == 2);
  REQUIRE(ops[0].answer.has_value());
  CHECK(ops[0].answer->server == 2);
  CHECK(ops[0].answer->index == 42);
  CHECK_FALSE(ops[1].answer.has_value());
  // The history file names who answered the put, and nobody for the get of unknown outcome.
  CHECK_THAT(recorder.to_json(), Catch::Contains(R"("value":"x","server":2,"index":42})"));
  CHECK_THAT(recorder.to_json(), Catch::Contains(R"("return_ns":null,"op":"get","key":"k"})"));
}

TEST_CASE("clerk: a server that refused sits out the later passes of the operation") {
  Cluster cluster(5);
  cluster.ends[4]->script = {Outcome::lost, Outcome::lost, Outcome::ok};
  in_world([&] {
    kv::Clerk clerk(cluster.peer_ends());
    const sim::Instant called = sim::now();
    CHECK(clerk.get("k") == "v");
    // The four refusals come in the first pass; then only server 4, the one that may lead, is
    // asked again, rather than a whole round of servers known not to lead after each lost call.
    CHECK(cluster.calls == std::vector<size_t>{0, 1, 2, 3, 4, 4, 4});
    CHECK(sim::now() - called < kCallTimeout * 2 + kAnswerTime * 10);
  });
}

TEST_CASE("clerk: refusals are forgotten once the servers still asked stay silent") {
  // Server 1, the old leader, is down; server 2 refuses once and then leads. Were refusals never
  // forgotten, the clerk would ask only server 1 until it gave up.
  Cluster cluster(3);
  cluster.ends[1]->then = Outcome::lost;
  cluster.ends[2]->script = {Outcome::wrong_leader};
  cluster.ends[2]->then = Outcome::ok;
  in_world([&] {
    kv::ClerkOptions options;
    options.op_timeout = 10_s;
    kv::Clerk clerk(cluster.peer_ends(), options);
    CHECK(clerk.get("k") == "v");
    // One pass with refusals, two silent passes over server 1, then a fresh start.
    CHECK(cluster.calls_to(1) == 3);
    CHECK(cluster.calls.back() == 2);
  });
}

TEST_CASE("clerk: with every server refusing it pauses between rounds and gives up on time") {
  Cluster cluster(3);
  in_world([&] {
    kv::ClerkOptions options;
    options.op_timeout = 1_s;
    options.retry_pause = 100_ms;
    kv::Clerk clerk(cluster.peer_ends(), options);
    const sim::Instant called = sim::now();
    CHECK_FALSE(clerk.get("k").has_value());
    const sim::Duration took = sim::now() - called;
    CHECK(took >= options.op_timeout);
    CHECK(took < options.op_timeout + options.retry_pause + kAnswerTime * 3);
    // Each round is three refusals and a pause: 9 or 10 rounds fit in a second.
    CHECK(cluster.calls.size() >= 27);
    CHECK(cluster.calls.size() <= 30);
  });
}
