// Tests of the fault hooks (sim/fault_hooks.h): a crash scheduled from on_save_written lands
// between the write and the fsync, so the save is lost; on_reply drops or delays exactly one
// reply; with no hooks nothing changes.
#include "sim/fault_hooks.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

#include "sim/persister.h"
#include "sim/rpc.h"
#include "sim/runtime.h"
#include "sim/world.h"
#include "tests/sim/disk_helpers.h"

using namespace sim;
using disk_test::as_text;
using disk_test::text;

namespace {

struct Ping {
  uint64_t tag = 0;
  RAFTSIM_WIRE_FIELDS(tag)
};

// Network and disk without jitter: 1 ms a packet, 1 ms a write, 2 ms an fsync.
WorldOptions exact() {
  WorldOptions options = disk_test::exact_disk(WorldOptions{}.seed);
  options.network.latency_min = 1_ms;
  options.network.latency_tail_mean = Duration::zero();
  options.network.latency_max = 1_ms;
  return options;
}

}  // namespace

TEST_CASE("fault hooks: a crash at on_save_written loses that save and keeps the one before",
          "[sim][hooks]") {
  World w(exact());
  const NodeId n = w.add_node("n", nullptr);
  const NodeId tester = w.add_process("tester");
  w.start(n);
  int saves_written = 0;
  Instant crashed_at;
  w.hooks().on_save_written = [&](NodeId node) {
    CHECK(node == n);
    if (++saves_written == 2) {
      w.schedule(w.now(), [&, node] {
        crashed_at = w.now();
        w.crash(node);
      });
    }
  };
  bool second_returned = false;
  w.spawn(n, "saver", [&] {
    w.persister(n).save(text("A"), text("a"));
    w.persister(n).save(text("B"), text("b"));
    second_returned = true;
  });
  REQUIRE(w.run_main(tester, [&] { sleep_for(20_ms); }));
  CHECK(saves_written == 2);
  CHECK_FALSE(second_returned);
  // The first save took 3 ms; the second was written at 4 ms and crashed there, before its fsync.
  CHECK(crashed_at == Instant() + 4_ms);
  CHECK(as_text(w.persister(n).read_raft_state()) == "A");
  CHECK(as_text(w.persister(n).read_snapshot()) == "a");
}

TEST_CASE("fault hooks: on_reply drops one reply and delays another", "[sim][hooks]") {
  World w(exact());
  const NodeId server = w.add_node(
      "server", [] { rpc::handle<Ping, Ping>("Ping", [](const Ping& ping) { return ping; }); });
  const NodeId client = w.add_process("client");
  w.start(server);
  int replies = 0;
  w.hooks().on_reply = [&](NodeId node, NodeId to, std::string_view method) {
    CHECK(node == server);
    CHECK(to == client);
    CHECK(method == "Ping");
    ReplyFate fate;
    ++replies;
    if (replies == 1) fate.drop = true;
    if (replies == 2) fate.delay = 30_ms;
    return fate;
  };
  std::optional<Ping> dropped;
  std::optional<Ping> delayed;
  std::optional<Ping> plain;
  Duration delayed_took;
  Duration plain_took;
  REQUIRE(w.run_main(client, [&] {
    const rpc::ClientEnd end(server, 100_ms);
    dropped = end.call<Ping>("Ping", Ping{1});
    Instant start = now();
    delayed = end.call<Ping>("Ping", Ping{2});
    delayed_took = now() - start;
    start = now();
    plain = end.call<Ping>("Ping", Ping{3});
    plain_took = now() - start;
  }));
  CHECK_FALSE(dropped.has_value());
  REQUIRE(delayed.has_value());
  CHECK(delayed->tag == 2);
  CHECK(delayed_took == 32_ms);
  REQUIRE(plain.has_value());
  CHECK(plain_took == 2_ms);
}

TEST_CASE("fault hooks: on_reply hands a held reply to its holder, who sends it later",
          "[sim][hooks]") {
  World w(exact());
  const NodeId server = w.add_node(
      "server", [] { rpc::handle<Ping, Ping>("Ping", [](const Ping& ping) { return ping; }); });
  const NodeId client = w.add_process("client");
  w.start(server);
  std::function<void()> held;
  int replies = 0;
  w.hooks().on_reply = [&](NodeId, NodeId, std::string_view) {
    ReplyFate fate;
    if (++replies == 1) fate.hold = [&](std::function<void()> send) { held = std::move(send); };
    return fate;
  };
  std::optional<Ping> first;
  std::optional<Ping> never;
  Duration first_took;
  REQUIRE(w.run_main(client, [&] {
    const rpc::ClientEnd end(server, 100_ms);
    // The holder sends the first reply 40 ms after the call went out.
    w.schedule(now() + 40_ms, [&] {
      REQUIRE(held);
      held();
    });
    const Instant start = now();
    first = end.call<Ping>("Ping", Ping{1});
    first_took = now() - start;
    // A held reply that is never sent is lost: the call times out.
    replies = 0;
    held = nullptr;
    never = end.call<Ping>("Ping", Ping{2});
  }));
  REQUIRE(first.has_value());
  CHECK(first->tag == 1);
  CHECK(first_took == 41_ms);  // sent at 40 ms, 1 ms on the wire
  CHECK_FALSE(never.has_value());
  CHECK(held);  // handed over, never called
}
