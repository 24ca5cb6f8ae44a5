// Tests of sim::rpc (sim/rpc.h). The network has a fixed 1 ms latency unless a test says
// otherwise, so every call's timing is exact: a round trip to a handler that does not block takes
// 2 ms of simulated time.
#include "sim/rpc.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/runtime.h"
#include "sim/world.h"

using namespace sim;

namespace {

struct AddArgs {
  int64_t a = 0;
  int64_t b = 0;
  RAFTSIM_WIRE_FIELDS(a, b)
};

struct AddReply {
  int64_t sum = 0;
  RAFTSIM_WIRE_FIELDS(sum)
};

// The handler sleeps `sleep_ms` and answers with `tag`.
struct SleepArgs {
  int64_t sleep_ms = 0;
  uint64_t tag = 0;
  RAFTSIM_WIRE_FIELDS(sleep_ms, tag)
};

struct TagReply {
  uint64_t tag = 0;
  RAFTSIM_WIRE_FIELDS(tag)
};

WorldOptions exact_options() {
  WorldOptions options;
  options.network.latency_min = 1_ms;
  options.network.latency_tail_mean = Duration::zero();
  options.network.latency_max = 1_ms;
  options.trace.record_all = true;
  return options;
}

void register_handlers() {
  rpc::handle<AddArgs, AddReply>("Add",
                                 [](const AddArgs& args) { return AddReply{args.a + args.b}; });
  rpc::handle<SleepArgs, TagReply>("Sleep", [](const SleepArgs& args) {
    sleep_for(Duration::milliseconds(args.sleep_ms));
    return TagReply{args.tag};
  });
}

Duration since_start() { return now() - Instant(); }

}  // namespace

TEST_CASE("rpc: a call returns the handler's reply", "[sim][rpc]") {
  World w(exact_options());
  NodeId handled_on = kNoNode;
  const NodeId server = w.add_node("server", [&] {
    register_handlers();
    rpc::handle<AddArgs, AddReply>("Where", [&](const AddArgs&) {
      handled_on = self();
      return AddReply{};
    });
  });
  const NodeId client = w.add_process("client");
  w.start(server);
  std::optional<AddReply> reply;
  Duration elapsed;
  REQUIRE(w.run_main(client, [&] {
    rpc::ClientEnd end(server);
    reply = end.call<AddReply>("Add", AddArgs{40, 2});
    elapsed = since_start();
    end.call<AddReply>("Where", AddArgs{});
  }));
  REQUIRE(reply.has_value());
  CHECK(reply->sum == 42);
  CHECK(elapsed == 2_ms);
  CHECK(handled_on == server);
}

TEST_CASE("rpc: each request runs in its own fiber on the receiver", "[sim][rpc]") {
  World w(exact_options());
  const NodeId server = w.add_node("server", register_handlers);
  const NodeId client = w.add_process("client");
  w.start(server);
  std::vector<std::pair<uint64_t, Duration>> finished;
  REQUIRE(w.run_main(client, [&] {
    int done = 0;
    for (uint64_t tag : {1, 2}) {
      go("caller", [&, tag] {
        std::optional<TagReply> reply =
            rpc::ClientEnd(server).call<TagReply>("Sleep", SleepArgs{10, tag});
        if (reply.has_value()) finished.emplace_back(reply->tag, since_start());
        ++done;
      });
    }
    while (done < 2) sleep_for(1_ms);
  }));
  REQUIRE(finished.size() == 2);
  // Both handlers slept at the same time: each call took one sleep, not two.
  CHECK(finished[0] == std::make_pair(uint64_t{1}, 12_ms));
  CHECK(finished[1] == std::make_pair(uint64_t{2}, 12_ms));
  CHECK(w.endpoint(server).stats().served == 2);
}

TEST_CASE("rpc: a call to a down or cut-off node returns nullopt after its timeout", "[sim][rpc]") {
  World w(exact_options());
  const NodeId server = w.add_node("server", register_handlers);
  const NodeId client = w.add_process("client");
  const NodeId nemesis = w.add_process("nemesis");
  uint64_t served_expected = 0;
  SECTION("never started") {}
  SECTION("crashed while the handler runs") {
    w.start(server);
    w.spawn(nemesis, "crash", [&] {
      sleep_for(5_ms);
      w.crash(server);
    });
  }
  SECTION("request direction cut") {
    w.start(server);
    w.network().cut(client, server);
  }
  SECTION("reply direction cut: the handler runs, the reply is lost") {
    w.start(server);
    w.network().cut(server, client);
    served_expected = 1;
  }
  std::optional<TagReply> reply{TagReply{99}};
  Duration elapsed;
  REQUIRE(w.run_main(client, [&] {
    reply = rpc::ClientEnd(server, 300_ms).call<TagReply>("Sleep", SleepArgs{20, 1});
    elapsed = since_start();
  }));
  CHECK_FALSE(reply.has_value());
  CHECK(elapsed == 300_ms);
  CHECK(w.endpoint(client).stats().calls == 1);
  CHECK(w.endpoint(client).stats().failed == 1);
  CHECK(w.endpoint(server).stats().served == served_expected);
}

TEST_CASE("rpc: a reply that arrives after its call timed out is dropped", "[sim][rpc]") {
  World w(exact_options());
  const NodeId server = w.add_node("server", register_handlers);
  const NodeId client = w.add_process("client");
  w.start(server);
  std::optional<TagReply> first{TagReply{99}};
  std::optional<TagReply> second;
  Duration first_elapsed, second_elapsed;
  REQUIRE(w.run_main(client, [&] {
    rpc::ClientEnd end(server, 50_ms);
    first = end.call<TagReply>("Sleep", SleepArgs{100, 1});  // its reply comes at 102 ms
    first_elapsed = since_start();
    end.set_timeout(1_s);
    second = end.call<TagReply>("Sleep", SleepArgs{80, 2});  // its reply comes at 132 ms
    second_elapsed = since_start();
  }));
  CHECK_FALSE(first.has_value());
  CHECK(first_elapsed == 50_ms);
  REQUIRE(second.has_value());
  CHECK(second->tag == 2);
  CHECK(second_elapsed == 132_ms);
  // The stale reply did reach the caller's node while the second call was waiting.
  bool stale_delivered = false;
  for (const TraceEvent& event : w.trace().all()) {
    if (event.kind == TraceKind::deliver && event.node == client &&
        event.at == Instant() + 102_ms) {
      stale_delivered = true;
    }
  }
  CHECK(stale_delivered);
  CHECK(w.endpoint(client).stats().failed == 1);
}

TEST_CASE("rpc: a reply to a caller node that crashed is dropped", "[sim][rpc]") {
  World w(exact_options());
  const NodeId server = w.add_node("server", register_handlers);
  std::vector<std::pair<uint64_t, Duration>> results;
  const NodeId caller = w.add_node("caller", [&] {
    // Each incarnation makes one call, tagged with its incarnation number.
    const uint64_t tag = world().incarnation(self());
    std::optional<TagReply> reply =
        rpc::ClientEnd(server, 1_s).call<TagReply>("Sleep", SleepArgs{50, tag});
    results.emplace_back(reply.has_value() ? reply->tag : 0, since_start());
  });
  const NodeId tester = w.add_process("tester");
  w.start(server);
  w.start(caller);

  // Finds the drop of the reply (server -> caller) and when it happened.
  auto reply_drop = [&]() -> std::optional<Instant> {
    for (const TraceEvent& event : w.trace().all()) {
      if (event.kind == TraceKind::drop && event.text == "receiver down" &&
          (event.node == caller || event.peer == caller)) {
        return event.at;
      }
    }
    return std::nullopt;
  };
  SECTION("the caller is down when the reply leaves") {
    REQUIRE(w.run_main(tester, [&] {
      sleep_for(10_ms);
      w.crash(caller);
      sleep_for(100_ms);
    }));
    CHECK(results.empty());
    CHECK(reply_drop() == std::optional<Instant>(Instant() + 51_ms));
  }
  SECTION("the caller crashes while the reply is in flight") {
    REQUIRE(w.run_main(tester, [&] {
      sleep_for(51_ms + 500_us);  // the reply left at 51 ms and arrives at 52 ms
      w.crash(caller);
      sleep_for(100_ms);
    }));
    CHECK(results.empty());
    CHECK(reply_drop() == std::optional<Instant>(Instant() + 52_ms));
  }
  SECTION("the caller restarted: the old reply does not answer the new call") {
    REQUIRE(w.run_main(tester, [&] {
      sleep_for(10_ms);
      w.crash(caller);
      sleep_for(10_ms);
      w.start(caller);  // its call leaves at 20 ms; the old reply arrives at 52 ms
      sleep_for(200_ms);
    }));
    REQUIRE(results.size() == 1);
    CHECK(results[0].first == 2);
    CHECK(results[0].second == 72_ms);
  }
  CHECK_FALSE(w.failure().has_value());
}

TEST_CASE("rpc: a call to an unknown method times out", "[sim][rpc]") {
  World w(exact_options());
  const NodeId server = w.add_node("server", register_handlers);
  const NodeId client = w.add_process("client");
  w.start(server);
  std::optional<AddReply> reply{AddReply{99}};
  Duration elapsed;
  REQUIRE(w.run_main(client, [&] {
    reply = rpc::ClientEnd(server, 250_ms).call<AddReply>("NoSuchMethod", AddArgs{1, 2});
    elapsed = since_start();
  }));
  CHECK_FALSE(reply.has_value());
  CHECK(elapsed == 250_ms);
  CHECK(w.endpoint(server).stats().served == 0);
  CHECK(w.endpoint(client).stats().failed == 1);
}

TEST_CASE("rpc: undecodable arguments get no reply, an undecodable reply is nullopt",
          "[sim][rpc]") {
  World w(exact_options());
  const NodeId server = w.add_node("server", register_handlers);
  const NodeId client = w.add_process("client");
  w.start(server);
  std::optional<AddReply> bad_args{AddReply{99}};
  std::optional<SleepArgs> bad_reply{SleepArgs{}};
  Duration elapsed;
  REQUIRE(w.run_main(client, [&] {
    rpc::ClientEnd end(server, 100_ms);
    bad_args = end.call<AddReply>("Add", std::string("not AddArgs"));
    elapsed = since_start();
    // AddReply is one field; SleepArgs needs two: the reply does not decode.
    bad_reply = end.call<SleepArgs>("Add", AddArgs{1, 2});
  }));
  CHECK_FALSE(bad_args.has_value());
  CHECK(elapsed == 100_ms);
  CHECK_FALSE(bad_reply.has_value());
  CHECK(w.endpoint(server).stats().served == 1);
}

TEST_CASE("rpc: counts calls, failures and bytes per node and in total", "[sim][rpc]") {
  World w(exact_options());
  const NodeId server = w.add_node("server", register_handlers);
  const NodeId one = w.add_process("one");
  const NodeId two = w.add_process("two");
  w.start(server);
  w.spawn(one, "calls", [&] {
    rpc::ClientEnd end(server, 100_ms);
    for (int64_t i = 0; i < 3; ++i) end.call<AddReply>("Add", AddArgs{i, 1000000 * i});
  });
  w.spawn(two, "calls", [&] {
    rpc::ClientEnd end(server, 100_ms);
    end.call<AddReply>("Add", AddArgs{1, 2});
    end.call<AddReply>("Add", AddArgs{3, 4});
    end.call<AddReply>("Missing", AddArgs{5, 6});
  });
  w.run_for(1_s);

  const rpc::RpcStats& s1 = w.endpoint(one).stats();
  const rpc::RpcStats& s2 = w.endpoint(two).stats();
  const rpc::RpcStats& ss = w.endpoint(server).stats();
  CHECK(s1.calls == 3);
  CHECK(s1.failed == 0);
  CHECK(s2.calls == 3);
  CHECK(s2.failed == 1);
  CHECK(ss.calls == 0);
  CHECK(ss.served == 5);
  // Every byte an endpoint sent went through the network, and nothing else did.
  for (NodeId node : {one, two, server}) {
    INFO("node " << w.node_name(node));
    CHECK(w.endpoint(node).stats().bytes_sent == w.network().traffic(node).bytes_sent);
    CHECK(w.endpoint(node).stats().bytes_sent > 0);
  }
  // A request carries at least its encoded arguments and method name.
  CHECK(s1.bytes_sent >= 3 * (wire::encode(AddArgs{2, 2000000}).size() + 3));
  CHECK(s1.bytes_sent + s2.bytes_sent + ss.bytes_sent == w.network().stats().bytes_sent);
  CHECK(s1.calls + s2.calls + ss.calls == 6);
  CHECK(w.network().stats().sent == 6 + 5);
}

TEST_CASE("rpc: a crash removes handlers, and boot registers them again", "[sim][rpc]") {
  World w(exact_options());
  bool register_after_restart = true;
  const NodeId server = w.add_node("server", [&] {
    const uint64_t incarnation = world().incarnation(self());
    if (incarnation > 1 && !register_after_restart) return;
    rpc::handle<AddArgs, AddReply>("Incarnation", [incarnation](const AddArgs&) {
      return AddReply{static_cast<int64_t>(incarnation)};
    });
  });
  const NodeId client = w.add_process("client");
  w.start(server);
  std::vector<std::optional<AddReply>> replies;
  auto call_once = [&] {
    REQUIRE(w.run_main(client, [&] {
      replies.push_back(rpc::ClientEnd(server, 100_ms).call<AddReply>("Incarnation", AddArgs{}));
    }));
  };
  SECTION("boot registers again: the new incarnation's handler answers") {
    call_once();
    w.restart(server);
    call_once();
    REQUIRE(replies.size() == 2);
    REQUIRE(replies[0].has_value());
    CHECK(replies[0]->sum == 1);
    REQUIRE(replies[1].has_value());
    CHECK(replies[1]->sum == 2);
  }
  SECTION("boot does not register: the crash removed the old handler") {
    register_after_restart = false;
    call_once();
    w.restart(server);
    call_once();
    REQUIRE(replies.size() == 2);
    CHECK(replies[0].has_value());
    CHECK_FALSE(replies[1].has_value());
  }
}

// Handlers run on contexts that earlier, finished fibers parked (the runtime reuses a finished
// fiber's context and stack for the next spawn). A crash must still unwind a handler in flight on
// such a context, and the contexts must keep serving after it.
TEST_CASE("rpc: a crash unwinds a handler running on a reused context, and serving goes on",
          "[sim][rpc]") {
  World w(exact_options());
  int unwound = 0;
  struct Unwound {
    int* count;
    ~Unwound() { ++*count; }
  };
  const NodeId server = w.add_node("server", [&] {
    register_handlers();
    rpc::handle<SleepArgs, TagReply>("Hold", [&](const SleepArgs& args) {
      Unwound guard{&unwound};
      sleep_for(Duration::milliseconds(args.sleep_ms));
      return TagReply{args.tag};
    });
  });
  const NodeId client = w.add_process("client");
  w.start(server);
  std::vector<std::optional<TagReply>> replies;
  REQUIRE(w.run_main(client, [&] {
    for (uint64_t tag = 1; tag <= 5; ++tag) {  // five handlers finish: their contexts park
      replies.push_back(rpc::ClientEnd(server).call<TagReply>("Hold", SleepArgs{0, tag}));
    }
  }));
  CHECK(unwound == 5);
  const uint64_t started = w.stats().fibers_started;
  w.spawn(client, "caller", [&] {
    replies.push_back(rpc::ClientEnd(server, 100_ms).call<TagReply>("Hold", SleepArgs{50, 6}));
  });
  REQUIRE(w.run_for(10_ms));  // the handler sleeps inside "Hold"
  CHECK(unwound == 5);
  w.crash(server);
  CHECK(unwound == 6);  // the crash unwound it: its destructor ran
  REQUIRE(w.run_for(200_ms));
  w.start(server);
  REQUIRE(w.run_main(client, [&] {
    replies.push_back(rpc::ClientEnd(server).call<TagReply>("Hold", SleepArgs{1, 7}));
  }));
  REQUIRE(replies.size() == 7);
  CHECK_FALSE(replies[5].has_value());
  REQUIRE(replies[6].has_value());
  CHECK(replies[6]->tag == 7);
  CHECK(unwound == 7);
  CHECK(w.stats().fibers_started > started);
}
