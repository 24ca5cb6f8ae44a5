// Tests of the simulated network (sim/network.h). Packets are sent straight through
// World::network(); what happened to each one is read back from the trace (every send, deliver,
// drop and duplicate is recorded with its time, node and packet id), so assertions are exact.
// Payloads are 0xff bytes, which never decode as an RPC envelope, so receivers ignore them.
#include "sim/network.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "sim/runtime.h"
#include "sim/world.h"

using namespace sim;

namespace {

NetworkOptions fixed_latency(Duration latency) {
  NetworkOptions net;
  net.latency_min = latency;
  net.latency_tail_mean = Duration::zero();
  net.latency_max = latency;
  return net;
}

WorldOptions traced(NetworkOptions net, uint64_t seed = 1) {
  WorldOptions options;
  options.seed = seed;
  options.network = net;
  options.trace.record_all = true;
  return options;
}

Bytes garbage(size_t size) { return Bytes(size, 0xff); }

std::vector<TraceEvent> events(const World& w, TraceKind kind) {
  std::vector<TraceEvent> out;
  for (const TraceEvent& event : w.trace().all()) {
    if (event.kind == kind) out.push_back(event);
  }
  return out;
}

// Deliver events carry node = receiver, peer = sender.
std::vector<TraceEvent> deliveries(const World& w, NodeId from, NodeId to) {
  std::vector<TraceEvent> out;
  for (const TraceEvent& event : events(w, TraceKind::deliver)) {
    if (event.peer == from && event.node == to) out.push_back(event);
  }
  return out;
}

size_t inversions(const std::vector<TraceEvent>& delivered) {
  size_t count = 0;
  for (size_t i = 1; i < delivered.size(); ++i) {
    if (delivered[i].id < delivered[i - 1].id) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("network: one-way cut drops only one direction", "[sim][network]") {
  World w(traced(fixed_latency(1_ms)));
  const NodeId a = w.add_process("a");
  const NodeId b = w.add_process("b");
  w.network().cut(a, b);
  CHECK_FALSE(w.network().connected(a, b));
  CHECK(w.network().connected(b, a));
  for (int i = 0; i < 10; ++i) {
    w.network().send(a, b, garbage(8));
    w.network().send(b, a, garbage(8));
  }
  w.run_for(10_ms);
  CHECK(deliveries(w, a, b).empty());
  CHECK(deliveries(w, b, a).size() == 10);
  const std::vector<TraceEvent> drops = events(w, TraceKind::drop);
  REQUIRE(drops.size() == 10);
  for (const TraceEvent& drop : drops) CHECK(drop.text == "link cut");
  CHECK(w.network().stats().dropped == 10);
  CHECK(w.network().stats().delivered == 10);
}

TEST_CASE("network: drop_p 1.0 delivers nothing, drop_p 0.25 about a quarter", "[sim][network]") {
  SECTION("drop_p 1.0") {
    NetworkOptions net = fixed_latency(1_ms);
    net.drop_p = 1.0;
    World w(traced(net));
    const NodeId a = w.add_process("a");
    const NodeId b = w.add_process("b");
    for (int i = 0; i < 100; ++i) w.network().send(a, b, garbage(4));
    w.run_for(1_s);
    CHECK(events(w, TraceKind::deliver).empty());
    CHECK(w.network().stats().delivered == 0);
    CHECK(w.network().stats().dropped == 100);
    for (const TraceEvent& drop : events(w, TraceKind::drop)) CHECK(drop.text == "random loss");
  }
  SECTION("drop_p 0.25") {
    NetworkOptions net = fixed_latency(1_ms);
    net.drop_p = 0.25;
    World w(traced(net));
    const NodeId a = w.add_process("a");
    const NodeId b = w.add_process("b");
    for (int i = 0; i < 2000; ++i) w.network().send(a, b, garbage(4));
    w.run_for(1_s);
    const uint64_t dropped = w.network().stats().dropped;
    CHECK(dropped > 400);  // expected 500, standard deviation about 19
    CHECK(dropped < 600);
    CHECK(w.network().stats().delivered == 2000 - dropped);
  }
}

TEST_CASE("network: duplicate_p 1.0 delivers every packet exactly twice", "[sim][network]") {
  NetworkOptions net;
  net.latency_min = 1_ms;
  net.latency_tail_mean = 2_ms;
  net.latency_max = 20_ms;
  net.duplicate_p = 1.0;
  World w(traced(net));
  const NodeId a = w.add_process("a");
  const NodeId b = w.add_process("b");
  for (int i = 0; i < 50; ++i) w.network().send(a, b, garbage(16));
  w.run_for(1_s);
  std::map<uint64_t, std::vector<Instant>> copies;
  for (const TraceEvent& d : deliveries(w, a, b)) {
    CHECK(d.size == 16);
    copies[d.id].push_back(d.at);
  }
  REQUIRE(copies.size() == 50);
  size_t different_times = 0;
  for (const auto& [id, times] : copies) {
    CHECK(times.size() == 2);
    if (times.size() == 2 && times[0] != times[1]) ++different_times;
  }
  // Each copy draws its own delay.
  CHECK(different_times > 40);
  CHECK(w.network().stats().duplicated == 50);
  CHECK(events(w, TraceKind::duplicate).size() == 50);
  CHECK(w.network().stats().delivered == 100);
  CHECK(w.network().traffic(b).messages_received == 100);
  CHECK(w.network().traffic(a).messages_sent == 50);
}

TEST_CASE("network: random delays reorder packets, a fixed latency keeps them in order",
          "[sim][network]") {
  auto run = [](NetworkOptions net) {
    auto w = std::make_unique<World>(traced(net));
    const NodeId a = w->add_process("a");
    const NodeId b = w->add_process("b");
    World& world = *w;
    w->run_main(a, [&world, a, b] {
      for (int i = 0; i < 200; ++i) {
        world.network().send(a, b, garbage(8));
        sleep_for(100_us);
      }
    });
    w->run_for(5_s);
    return w;
  };
  SECTION("fixed latency: in order, each exactly 1 ms after it left") {
    auto w = run(fixed_latency(1_ms));
    const std::vector<TraceEvent> delivered = deliveries(*w, 0, 1);
    REQUIRE(delivered.size() == 200);
    CHECK(inversions(delivered) == 0);
    for (size_t i = 0; i < delivered.size(); ++i) {
      CHECK(delivered[i].at == Instant() + 100_us * static_cast<int64_t>(i) + 1_ms);
    }
  }
  SECTION("exponential tail") {
    NetworkOptions net;
    net.latency_min = 100_us;
    net.latency_tail_mean = 2_ms;
    net.latency_max = 20_ms;
    auto w = run(net);
    const std::vector<TraceEvent> delivered = deliveries(*w, 0, 1);
    REQUIRE(delivered.size() == 200);
    CHECK(inversions(delivered) > 20);
  }
  SECTION("long delays over a fixed latency") {
    NetworkOptions net = fixed_latency(1_ms);
    net.long_delay_p = 0.1;
    net.long_delay_min = 5_ms;
    net.long_delay_max = 10_ms;
    auto w = run(net);
    const std::vector<TraceEvent> delivered = deliveries(*w, 0, 1);
    REQUIRE(delivered.size() == 200);
    CHECK(inversions(delivered) > 5);
  }
}

TEST_CASE("network: a clog holds packets, then releases them in send order at its end",
          "[sim][network]") {
  SECTION("clog_link holds one direction of one link") {
    NetworkOptions net;
    net.latency_min = 1_ms;
    net.latency_tail_mean = 3_ms;  // arrivals before the clog's end come in a random order
    net.latency_max = 20_ms;
    World w(traced(net));
    const NodeId a = w.add_process("a");
    const NodeId b = w.add_process("b");
    w.network().clog_link(a, b, Instant() + 50_ms);
    w.run_main(a, [&] {
      for (int i = 0; i < 10; ++i) {
        w.network().send(a, b, garbage(8));
        w.network().send(b, a, garbage(8));
        sleep_for(2_ms);
      }
      sleep_until(Instant() + 60_ms);
      w.network().send(a, b, garbage(8));
    });
    w.run_for(1_s);
    const std::vector<TraceEvent> held = deliveries(w, a, b);
    REQUIRE(held.size() == 11);
    for (size_t i = 0; i < 10; ++i) CHECK(held[i].at == Instant() + 50_ms);
    CHECK(inversions(held) == 0);
    CHECK(held[10].at >= Instant() + 61_ms);  // sent after the clog ended: not held
    CHECK(held[10].at <= Instant() + 80_ms);
    // The reverse direction was not clogged: everything arrived within latency_max of sending.
    const std::vector<TraceEvent> reverse = deliveries(w, b, a);
    REQUIRE(reverse.size() == 10);
    std::set<Instant> reverse_times;
    for (const TraceEvent& d : reverse) reverse_times.insert(d.at);
    CHECK(*reverse_times.begin() < Instant() + 20_ms);
    CHECK(*reverse_times.rbegin() <= Instant() + 18_ms + 20_ms);
  }
  SECTION("a clog set after a packet left still holds it") {
    World w(traced(fixed_latency(10_ms)));
    const NodeId a = w.add_process("a");
    const NodeId b = w.add_process("b");
    w.run_main(a, [&] {
      w.network().send(a, b, garbage(8));
      sleep_for(5_ms);
      w.network().clog_link(a, b, Instant() + 30_ms);
    });
    w.run_for(1_s);
    const std::vector<TraceEvent> delivered = deliveries(w, a, b);
    REQUIRE(delivered.size() == 1);
    CHECK(delivered[0].at == Instant() + 30_ms);
  }
  SECTION("clog_node holds traffic to and from the node only") {
    World w(traced(fixed_latency(1_ms)));
    const NodeId a = w.add_process("a");
    const NodeId b = w.add_process("b");
    const NodeId c = w.add_process("c");
    w.network().clog_node(b, Instant() + 40_ms);
    w.network().send(a, b, garbage(8));
    w.network().send(b, a, garbage(8));
    w.network().send(c, b, garbage(8));
    w.network().send(a, c, garbage(8));
    w.run_for(1_s);
    REQUIRE(deliveries(w, a, b).size() == 1);
    CHECK(deliveries(w, a, b)[0].at == Instant() + 40_ms);
    REQUIRE(deliveries(w, b, a).size() == 1);
    CHECK(deliveries(w, b, a)[0].at == Instant() + 40_ms);
    REQUIRE(deliveries(w, c, b).size() == 1);
    CHECK(deliveries(w, c, b)[0].at == Instant() + 40_ms);
    REQUIRE(deliveries(w, a, c).size() == 1);
    CHECK(deliveries(w, a, c)[0].at == Instant() + 1_ms);
  }
  SECTION("heal lifts the clog for packets sent afterwards") {
    World w(traced(fixed_latency(1_ms)));
    const NodeId a = w.add_process("a");
    const NodeId b = w.add_process("b");
    w.network().clog_link(a, b, Instant() + 500_ms);
    w.network().heal();
    w.network().send(a, b, garbage(8));
    w.run_for(1_s);
    REQUIRE(deliveries(w, a, b).size() == 1);
    CHECK(deliveries(w, a, b)[0].at == Instant() + 1_ms);
  }
}

TEST_CASE("network: partition(groups) touches only the links among listed nodes",
          "[sim][network]") {
  World w(traced(fixed_latency(1_ms)));
  std::vector<NodeId> n;
  for (int i = 0; i < 5; ++i) n.push_back(w.add_process("n" + std::to_string(i)));
  Network& net = w.network();
  net.cut(n[0], n[1]);  // listed, same group: partition reconnects it
  net.cut(n[3], n[4]);  // unlisted: partition leaves it cut
  net.partition({{n[0], n[1]}, {n[2]}});

  CHECK(net.connected(n[0], n[1]));
  CHECK(net.connected(n[1], n[0]));
  for (NodeId x : {n[0], n[1]}) {
    CHECK_FALSE(net.connected(x, n[2]));
    CHECK_FALSE(net.connected(n[2], x));
  }
  for (NodeId unlisted : {n[3], n[4]}) {
    for (NodeId x : {n[0], n[1], n[2]}) {
      CHECK(net.connected(unlisted, x));
      CHECK(net.connected(x, unlisted));
    }
  }
  CHECK_FALSE(net.connected(n[3], n[4]));
  CHECK(net.connected(n[4], n[3]));

  // What the matrix says is what packets see.
  net.send(n[0], n[2], garbage(4));
  net.send(n[2], n[1], garbage(4));
  net.send(n[0], n[1], garbage(4));
  net.send(n[3], n[2], garbage(4));
  net.send(n[3], n[4], garbage(4));
  w.run_for(10_ms);
  CHECK(deliveries(w, n[0], n[2]).empty());
  CHECK(deliveries(w, n[2], n[1]).empty());
  CHECK(deliveries(w, n[0], n[1]).size() == 1);
  CHECK(deliveries(w, n[3], n[2]).size() == 1);
  CHECK(deliveries(w, n[3], n[4]).empty());
}

TEST_CASE("network: isolate, reconnect and heal", "[sim][network]") {
  World w(traced(fixed_latency(1_ms)));
  const NodeId a = w.add_process("a");
  const NodeId b = w.add_process("b");
  const NodeId c = w.add_process("c");
  Network& net = w.network();
  auto all_connected = [&] {
    for (NodeId x : {a, b, c}) {
      for (NodeId y : {a, b, c}) {
        if (!net.connected(x, y)) return false;
      }
    }
    return true;
  };

  net.isolate(b);
  for (NodeId other : {a, c}) {
    CHECK_FALSE(net.connected(b, other));
    CHECK_FALSE(net.connected(other, b));
  }
  CHECK(net.connected(a, c));
  CHECK(net.connected(c, a));
  net.send(a, b, garbage(4));
  net.send(b, c, garbage(4));
  net.send(a, c, garbage(4));
  w.run_for(10_ms);
  CHECK(deliveries(w, a, b).empty());
  CHECK(deliveries(w, b, c).empty());
  CHECK(deliveries(w, a, c).size() == 1);

  net.reconnect(b);
  CHECK(all_connected());
  net.send(a, b, garbage(4));
  w.run_for(10_ms);
  CHECK(deliveries(w, a, b).size() == 1);

  net.cut(a, c);
  net.isolate(b);
  net.heal();
  CHECK(all_connected());
}

TEST_CASE("network: packets to a crashed node are lost", "[sim][network]") {
  World w(traced(fixed_latency(10_ms)));
  const NodeId a = w.add_process("a");
  const NodeId b = w.add_node("b", nullptr);

  SECTION("sent while the node is down") {
    w.network().send(a, b, garbage(4));
    w.run_for(50_ms);
    CHECK(events(w, TraceKind::deliver).empty());
    REQUIRE(events(w, TraceKind::drop).size() == 1);
    CHECK(events(w, TraceKind::drop)[0].text == "receiver down");
    w.start(b);
    w.network().send(a, b, garbage(4));
    w.run_for(50_ms);
    CHECK(deliveries(w, a, b).size() == 1);
  }
  SECTION("in flight when the node crashes") {
    w.start(b);
    w.run_main(a, [&] {
      w.network().send(a, b, garbage(4));
      sleep_for(5_ms);
      w.crash(b);
    });
    w.run_for(50_ms);
    CHECK(events(w, TraceKind::deliver).empty());
    const std::vector<TraceEvent> drops = events(w, TraceKind::drop);
    REQUIRE(drops.size() == 1);
    CHECK(drops[0].at == Instant() + 10_ms);
    CHECK(drops[0].text == "receiver down");
    CHECK(w.network().stats().dropped == 1);
    CHECK(w.network().traffic(b).messages_received == 0);
  }
}

TEST_CASE("network: a packet in flight across a link cut after it left is lost", "[sim][network]") {
  World w(traced(fixed_latency(10_ms)));
  const NodeId a = w.add_process("a");
  const NodeId b = w.add_process("b");
  w.run_main(a, [&] {
    w.network().send(a, b, garbage(4));
    w.network().send(b, a, garbage(4));
    sleep_for(5_ms);
    w.network().cut(a, b);
  });
  w.run_for(50_ms);
  CHECK(deliveries(w, a, b).empty());
  CHECK(deliveries(w, b, a).size() == 1);
  const std::vector<TraceEvent> drops = events(w, TraceKind::drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0].at == Instant() + 10_ms);
  CHECK(drops[0].text == "link cut in flight");
}

TEST_CASE("network: latency stays between min and max, long delays within their range",
          "[sim][network]") {
  auto delays = [](NetworkOptions net) {
    World w(traced(net, 7));
    const NodeId a = w.add_process("a");
    const NodeId b = w.add_process("b");
    for (int i = 0; i < 2000; ++i) w.network().send(a, b, garbage(4));
    w.run_for(10_s);
    std::vector<Duration> out;
    for (const TraceEvent& d : deliveries(w, a, b)) out.push_back(d.at - Instant());
    REQUIRE(out.size() == 2000);
    std::sort(out.begin(), out.end());
    return out;
  };
  auto mean_us = [](const std::vector<Duration>& ds) {
    int64_t total = 0;
    for (Duration d : ds) total += d.ns();
    return total / static_cast<int64_t>(ds.size()) / 1000;
  };
  SECTION("min + exponential tail, capped") {
    NetworkOptions net;
    net.latency_min = 2_ms;
    net.latency_tail_mean = 3_ms;
    net.latency_max = 10_ms;
    const std::vector<Duration> d = delays(net);
    CHECK(d.front() >= 2_ms);
    CHECK(d.front() < 2_ms + 50_us);
    CHECK(d.back() == 10_ms);  // about 7% of draws exceed the cap and are clamped to it
    CHECK(std::count(d.begin(), d.end(), 10_ms) > 80);
    CHECK(std::set<Duration>(d.begin(), d.end()).size() > 1500);
    // Expected mean: min + tail_mean * (1 - exp(-(max - min) / tail_mean)) = 4.79 ms.
    CHECK(mean_us(d) > 4600);
    CHECK(mean_us(d) < 5000);
  }
  SECTION("long_delay_p 1.0: uniform in [long_delay_min, long_delay_max]") {
    NetworkOptions net = fixed_latency(1_ms);
    net.long_delay_p = 1.0;
    net.long_delay_min = 100_ms;
    net.long_delay_max = 200_ms;
    const std::vector<Duration> d = delays(net);
    CHECK(d.front() >= 100_ms);
    CHECK(d.front() < 102_ms);
    CHECK(d.back() <= 200_ms);
    CHECK(d.back() > 198_ms);
    CHECK(mean_us(d) > 147000);
    CHECK(mean_us(d) < 153000);
  }
  SECTION("long_delay_p 0.3: about 30% of packets take the long path") {
    NetworkOptions net = fixed_latency(1_ms);
    net.long_delay_p = 0.3;
    net.long_delay_min = 100_ms;
    net.long_delay_max = 200_ms;
    const std::vector<Duration> d = delays(net);
    const auto long_count =
        std::count_if(d.begin(), d.end(), [](Duration x) { return x >= 100_ms; });
    const auto short_count = std::count(d.begin(), d.end(), 1_ms);
    CHECK(long_count + short_count == 2000);
    CHECK(long_count > 520);  // expected 600, standard deviation about 20
    CHECK(long_count < 680);
  }
}

TEST_CASE("network: stats and per-node traffic counts add up", "[sim][network]") {
  NetworkOptions net;
  net.latency_min = 1_ms;
  net.latency_tail_mean = 2_ms;
  net.latency_max = 20_ms;
  net.drop_p = 0.2;
  net.duplicate_p = 0.2;
  World w(traced(net, 3));
  std::vector<NodeId> n;
  for (int i = 0; i < 3; ++i) n.push_back(w.add_process("n" + std::to_string(i)));
  w.network().cut(n[0], n[2]);
  std::vector<uint64_t> sent(3), bytes(3);
  uint64_t bytes_total = 0;
  w.run_main(n[0], [&] {
    for (int i = 0; i < 600; ++i) {
      const size_t from = static_cast<size_t>(i % 3);
      const size_t to = (from + 1 + static_cast<size_t>((i / 3) % 2)) % 3;
      const size_t size = static_cast<size_t>(i % 50) + 1;
      w.network().send(n[from], n[to], garbage(size));
      ++sent[from];
      bytes[from] += size;
      bytes_total += size;
      if (i % 7 == 0) w.network().cut(n[1], n[2]);  // cut some packets in flight
      if (i % 7 == 3) w.network().connect(n[1], n[2]);
      sleep_for(300_us);
    }
  });
  w.run_for(1_s);

  const NetworkStats& stats = w.network().stats();
  CHECK(stats.sent == 600);
  CHECK(stats.bytes_sent == bytes_total);
  CHECK(stats.dropped > 0);
  CHECK(stats.duplicated > 0);
  // Every copy of every packet ends exactly once: delivered or dropped.
  CHECK(stats.sent + stats.duplicated == stats.delivered + stats.dropped);

  uint64_t received = 0;
  std::vector<uint64_t> bytes_received(3);
  for (const TraceEvent& d : events(w, TraceKind::deliver)) {
    bytes_received[static_cast<size_t>(d.node)] += d.size;
  }
  for (size_t i = 0; i < 3; ++i) {
    const NodeTraffic& traffic = w.network().traffic(n[i]);
    CHECK(traffic.messages_sent == sent[i]);
    CHECK(traffic.bytes_sent == bytes[i]);
    CHECK(traffic.bytes_received == bytes_received[i]);
    received += traffic.messages_received;
  }
  CHECK(received == stats.delivered);

  CHECK(events(w, TraceKind::send).size() == stats.sent);
  CHECK(events(w, TraceKind::deliver).size() == stats.delivered);
  CHECK(events(w, TraceKind::drop).size() == stats.dropped);
  CHECK(events(w, TraceKind::duplicate).size() == stats.duplicated);

  const Stats world_stats = w.stats();
  CHECK(world_stats.messages_sent == stats.sent);
  CHECK(world_stats.messages_delivered == stats.delivered);
  CHECK(world_stats.messages_dropped == stats.dropped);
  CHECK(world_stats.messages_duplicated == stats.duplicated);
  CHECK(world_stats.bytes_sent == stats.bytes_sent);
}
