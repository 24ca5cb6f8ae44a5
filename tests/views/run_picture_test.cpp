// The run picture's data model: what RunPictureBuilder makes of a run's trace events (roles and
// terms, down spans, partition and fault bands, log and commit index series, fault marks), the
// client operations it takes from a checked history, and the self-contained document around it.
#include "views/run_picture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "checkers/linearizability/check.h"
#include "tests/checkers/history_builders.h"

namespace {

namespace lin = checkers::linearizability;
using Span = views::RunPicture::Span;
using Point = views::RunPicture::Point;

constexpr int64_t kMs = 1'000'000;

sim::TraceEvent event(int64_t at_ms, sim::TraceKind kind, int node) {
  sim::TraceEvent e;
  e.at = sim::Instant::from_ns(at_ms * kMs);
  e.kind = kind;
  e.node = node;
  return e;
}

sim::TraceEvent note(int64_t at_ms, int node, const char* topic, uint64_t id, std::string text) {
  sim::TraceEvent e = event(at_ms, sim::TraceKind::note, node);
  e.topic = topic;
  e.id = id;
  e.text = std::move(text);
  return e;
}

// A fault event as the injector records it: the event's JSON, then what it adds.
sim::TraceEvent fault(int64_t at_ms, const char* kind, int node, std::string text) {
  sim::TraceEvent e = event(at_ms, sim::TraceKind::fault, node);
  e.topic = kind;
  e.text = std::move(text);
  return e;
}

sim::TraceEvent links(int64_t at_ms, std::string matrix) {
  return note(at_ms, sim::kNoNode, "links", 0, std::move(matrix));
}

views::RunPictureBuilder three_servers() {
  views::RunPictureBuilder builder({"s0", "s1", "s2", "control", "c0"}, 3);
  for (int node = 0; node < 3; ++node) {
    builder.add(event(0, sim::TraceKind::restart, node));
    builder.add(note(0, node, "role", 0, "follower term 0"));
  }
  return builder;
}

}  // namespace

TEST_CASE("run picture: roles with their terms, down spans, and the log and commit index") {
  views::RunPictureBuilder builder = three_servers();
  builder.add(note(100, 1, "role", 1, "candidate term 1"));
  builder.add(note(101, 1, "role", 1, "leader term 1"));
  builder.add(note(102, 1, "append", 1, "append 1 term 1"));
  builder.add(note(102, 1, "append", 2, "append 2 term 1"));  // same instant: one point, the last
  builder.add(note(110, 1, "commit", 2, "commit 2"));
  builder.add(event(200, sim::TraceKind::crash, 1));
  builder.add(event(300, sim::TraceKind::restart, 1));
  builder.add(note(300, 1, "role", 1, "follower term 1"));
  builder.add(note(310, 1, "persist", 2, "persist term 1 vote 1 last 2"));
  builder.add(note(320, 1, "truncate", 2, "truncate from 2"));
  builder.add(note(330, 1, "snapshot", 5, "snapshot 5 term 1"));
  builder.add(event(400, sim::TraceKind::crash, 2));  // down until the end
  const views::RunPicture picture = builder.finish("t", 500 * kMs, std::nullopt, nullptr);

  REQUIRE(picture.servers.size() == 3);
  const views::RunPicture::Lane& s1 = picture.servers[1];
  CHECK(s1.name == "s1");
  CHECK(s1.roles == std::vector<Span>{{0, 100 * kMs, "follower", 0, "follower term 0"},
                                      {100 * kMs, 101 * kMs, "candidate", 1, "candidate term 1"},
                                      {101 * kMs, 200 * kMs, "leader", 1, "leader term 1"},
                                      {300 * kMs, 500 * kMs, "follower", 1, "follower term 1"}});
  CHECK(s1.down == std::vector<Span>{{200 * kMs, 300 * kMs, "down", 0, "down"}});
  // Unknown (-1) from the crash until the node says again; a snapshot past the log extends it.
  CHECK(s1.last_index ==
        std::vector<Point>{
            {102 * kMs, 2}, {200 * kMs, -1}, {310 * kMs, 2}, {320 * kMs, 1}, {330 * kMs, 5}});
  CHECK(s1.commit_index == std::vector<Point>{{110 * kMs, 2}, {200 * kMs, -1}});
  // A server that never came back is down to the end; one never crashed has no down span.
  CHECK(picture.servers[2].down == std::vector<Span>{{400 * kMs, 500 * kMs, "down", 0, "down"}});
  CHECK(picture.servers[2].roles.back().to_ns == 400 * kMs);
  CHECK(picture.servers[0].down.empty());
  CHECK(picture.servers[0].roles ==
        std::vector<Span>{{0, 500 * kMs, "follower", 0, "follower term 0"}});
}

TEST_CASE("run picture: a server never started is down from the start") {
  views::RunPictureBuilder builder({"s0", "s1"}, 2);
  builder.add(event(0, sim::TraceKind::restart, 0));
  builder.add(event(50, sim::TraceKind::restart, 1));
  const views::RunPicture picture = builder.finish("t", 100 * kMs, std::nullopt, nullptr);
  CHECK(picture.servers[0].down.empty());
  CHECK(picture.servers[1].down == std::vector<Span>{{0, 50 * kMs, "down", 0, "down"}});
}

TEST_CASE("run picture: partitions and one-way cuts from the links, a band per server") {
  views::RunPictureBuilder builder = three_servers();
  // s0 and s1 together, s2 alone.
  builder.add(links(100, "110110001"));
  // Still s2 alone, and now s0 cannot send to s1: s0 and s1 are no longer one group.
  builder.add(links(200, "100110001"));
  builder.add(links(300, "111111111"));  // healed
  const views::RunPicture picture = builder.finish("t", 500 * kMs, std::nullopt, nullptr);
  CHECK(picture.servers[0].bands ==
        std::vector<Span>{{100 * kMs, 200 * kMs, "partition", 0, "group s0 s1"},
                          {200 * kMs, 300 * kMs, "partition", 0, "sends to s0; hears from s0 s1"}});
  CHECK(picture.servers[1].bands ==
        std::vector<Span>{{100 * kMs, 200 * kMs, "partition", 0, "group s0 s1"},
                          {200 * kMs, 300 * kMs, "partition", 0, "sends to s0 s1; hears from s1"}});
  // One band across both link changes: s2 stayed isolated.
  CHECK(picture.servers[2].bands ==
        std::vector<Span>{{100 * kMs, 300 * kMs, "partition", 0, "isolated"}});
  // A malformed matrix (another cluster size) is ignored, not misread.
  views::RunPictureBuilder other = three_servers();
  other.add(links(100, "1101"));
  CHECK(other.finish("t", 500 * kMs, std::nullopt, nullptr).servers[0].bands.empty());
}

TEST_CASE("run picture: faults are marks; clogs, disks and clocks are bands on their servers") {
  views::RunPictureBuilder builder = three_servers();
  builder.add(fault(100, "clog", 0, R"({"at_ms":100,"fault":"clog","node":0,"duration_ms":50})"));
  builder.add(fault(110, "clog", sim::kNoNode,
                    R"({"at_ms":110,"fault":"clog","from":1,"to":2,"duration_ms":20})"));
  builder.add(fault(120, "disk_stall", 2,
                    R"({"at_ms":120,"fault":"disk_stall","node":2,"duration_ms":1000})"));
  builder.add(
      fault(130, "disk_slow", 1, R"({"at_ms":130,"fault":"disk_slow","node":1,"factor":10})"));
  builder.add(fault(140, "disk_restore", 1, R"({"at_ms":140,"fault":"disk_restore","node":1})"));
  builder.add(
      fault(150, "clock_drift", 0, R"({"at_ms":150,"fault":"clock_drift","node":0,"ppm":-3000})"));
  builder.add(fault(160, "isolate_leader", sim::kNoNode,
                    R"({"at_ms":160,"fault":"isolate_leader"} leader=1)"));
  builder.add(fault(170, "crash_after_vote", 2,
                    R"({"at_ms":170,"fault":"crash_after_vote","node":2} fired)"));
  builder.add(fault(180, "heal_all", sim::kNoNode, ""));  // ends the drift
  const views::RunPicture picture = builder.finish("t", 500 * kMs, std::nullopt, nullptr);

  CHECK(picture.servers[0].bands ==
        std::vector<Span>{{100 * kMs, 150 * kMs, "clog", 0, "clogged"},
                          {150 * kMs, 180 * kMs, "drift", 0, "clock -3000 ppm"}});
  CHECK(picture.servers[1].bands ==
        std::vector<Span>{{110 * kMs, 130 * kMs, "clog", 0, "link s1→s2 clogged"},
                          {130 * kMs, 140 * kMs, "disk-slow", 0, "disk 10x slower"}});
  // The stall outlasts the run: it is cut at its end.
  CHECK(picture.servers[2].bands ==
        std::vector<Span>{{110 * kMs, 130 * kMs, "clog", 0, "link s1→s2 clogged"},
                          {120 * kMs, 500 * kMs, "disk-stall", 0, "disk stalled"}});
  REQUIRE(picture.faults.size() == 9);
  CHECK(picture.faults[0].label == "clog s0");
  CHECK(picture.faults[0].node == 0);
  CHECK(picture.faults[1].label == "clog s1→s2");
  CHECK(picture.faults[1].node == -1);
  CHECK(picture.faults[6].label == "isolate_leader (leader s1)");
  CHECK(picture.faults[7].label == "crash_after_vote s2 fired");
  CHECK(picture.faults[7].at_ns == 170 * kMs);
  CHECK(picture.faults[8].label == "heal_all");
}

TEST_CASE("run picture: client operations come from the checked history, unplaced ones marked") {
  using namespace lin::test;
  lin::KvHistory history{lin::KvModel{},
                         {put(0, 0, 10, "x", "old"), put(0, 20, 30, "x", "new"),
                          get(1, 40, 50, "x", "old"), get(2, 5, kPending, "y", std::nullopt)}};
  history.operations[2].server = 1;
  history.operations[2].index = 7;
  const lin::PictureInput input = lin::picture_input(history, lin::check(history), "h");
  views::RunFailure failure{
      "linearizability", "linearizability", "key 'x' is not linearizable", 60, {}};
  const views::RunPicture picture = three_servers().finish("t", 100, failure, &input);
  REQUIRE(picture.operations.size() == 4);
  CHECK(picture.operations[2].answer == "s1, log index 7");  // who answered the stale read
  CHECK(picture.operations[0].answer.empty());
  CHECK(picture.operations[2].client == 1);
  CHECK(picture.operations[2].call_ns == 40);
  CHECK(picture.operations[2].return_ns == 50);
  CHECK(picture.operations[2].label == input.operations[2].label);
  CHECK(picture.operations[2].unplaced);  // the stale read
  CHECK_FALSE(picture.operations[0].unplaced);
  CHECK_FALSE(picture.operations[3].return_ns.has_value());
  REQUIRE(picture.failure.has_value());
  CHECK(picture.failure->at_ns == 60);
}

TEST_CASE("run picture: the document is self-contained and carries the model as JSON") {
  views::RunPictureBuilder builder = three_servers();
  builder.add(fault(100, "partition", sim::kNoNode,
                    R"({"at_ms":100,"fault":"partition","groups":[[0],[1,2]]} </script><b>)"));
  views::RunFailure failure{
      "safety", "Election Safety", "two leaders in term 3 <b>", 90 * kMs, {0, 2}};
  const views::RunPicture picture = builder.finish("calm seed 1", 200 * kMs, failure, nullptr);
  const std::string html = views::run_html(picture, nullptr);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  // Nothing fetched: no source attribute, no address but the SVG namespace's name.
  std::string addresses = html;
  const std::string svg_namespace = "'http://www.w3.org/2000/svg'";
  for (size_t at; (at = addresses.find(svg_namespace)) != std::string::npos;) {
    addresses.erase(at, svg_namespace.size());
  }
  CHECK(addresses.find("src=") == std::string::npos);
  CHECK(addresses.find("http://") == std::string::npos);
  CHECK(addresses.find("https://") == std::string::npos);
  // Text from the run cannot close the data's script element or inject markup.
  CHECK(html.find("</script><b>") == std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  // No history given: no history section.
  CHECK(html.find("<section class=\"history\"") == std::string::npos);

  const std::string open = "<script type=\"application/json\" id=\"run-data\">";
  const size_t from = html.find(open);
  REQUIRE(from != std::string::npos);
  const size_t to = html.find("</script>", from);
  const nlohmann::json data =
      nlohmann::json::parse(html.substr(from + open.size(), to - from - open.size()));
  CHECK(data == nlohmann::json::parse(views::run_picture_json(picture)));
  CHECK(data["title"] == "calm seed 1");
  CHECK(data["end_ns"] == 200 * kMs);
  REQUIRE(data["servers"].size() == 3);
  CHECK(data["servers"][0]["roles"] == nlohmann::json::parse(R"([[0, 200000000, "follower", 0]])"));
  CHECK(data["faults"][0][2] == "partition");
  CHECK(data["faults"][0][3].get<std::string>().find("</script><b>") != std::string::npos);
  CHECK(data["failure"]["property"] == "Election Safety");
  CHECK(data["failure"]["nodes"] == nlohmann::json::parse("[0, 2]"));
  CHECK(data["operations"].empty());
}
