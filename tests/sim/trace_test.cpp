#include "sim/trace.h"

#include <fmt/core.h>

#include <catch2/catch.hpp>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/fixture/gossip.h"

using namespace sim;

TEST_CASE("trace: the same seed gives the same fingerprint and another seed another",
          "[sim][trace]") {
  fixture::GossipOptions options;
  options.seed = 5;
  const uint64_t first = fixture::run_gossip(options).fingerprint;
  CHECK(first == fixture::run_gossip(options).fingerprint);
  options.seed = 6;
  CHECK(first != fixture::run_gossip(options).fingerprint);
  options.seed = 5;
  options.interleave = true;
  CHECK(first != fixture::run_gossip(options).fingerprint);
}

TEST_CASE("trace: the fixture's runs cover every event kind", "[sim][trace]") {
  fixture::GossipOptions options;
  options.seed = 8;
  options.record_trace = true;
  const fixture::GossipResult r = fixture::run_gossip(options);
  std::set<TraceKind> kinds;
  for (const TraceEvent& e : r.trace) kinds.insert(e.kind);
  for (TraceKind kind :
       {TraceKind::spawn, TraceKind::timer, TraceKind::send, TraceKind::deliver, TraceKind::drop,
        TraceKind::duplicate, TraceKind::crash, TraceKind::restart, TraceKind::persist,
        TraceKind::fault, TraceKind::note}) {
    INFO(to_string(kind));
    CHECK(kinds.count(kind) == 1);
  }
}

TEST_CASE("trace: every field of an event feeds the fingerprint", "[sim][trace]") {
  const TraceEvent base{Instant::from_ns(5), TraceKind::send, 1, 2, 3, 4, "topic", "text"};
  const uint64_t h = Trace::fold(0, base);
  std::vector<TraceEvent> variants(8, base);
  variants[0].at = Instant::from_ns(6);
  variants[1].kind = TraceKind::deliver;
  variants[2].node = 9;
  variants[3].peer = 9;
  variants[4].id = 9;
  variants[5].size = 9;
  variants[6].topic = "topiC";
  variants[7].text = "text ";
  for (const TraceEvent& v : variants) CHECK(Trace::fold(0, v) != h);
  // Field boundaries matter: moving a byte from topic to text changes the hash.
  TraceEvent moved = base;
  moved.topic = "topict";
  moved.text = "ext";
  CHECK(Trace::fold(0, moved) != h);
}

TEST_CASE("trace: the fingerprint is the fold of the recorded events", "[sim][trace]") {
  fixture::GossipOptions options;
  options.seed = 2;
  options.record_trace = true;
  const fixture::GossipResult r = fixture::run_gossip(options);
  uint64_t h = Trace(TraceOptions{}).fingerprint();
  for (const TraceEvent& e : r.trace) h = Trace::fold(h, e);
  CHECK(h == r.fingerprint);
}

TEST_CASE("trace: an event for the eyes only is kept and heard but not folded", "[sim][trace]") {
  Trace plain(TraceOptions{});
  CHECK_FALSE(plain.watched());
  Trace trace(TraceOptions{true, 8});
  CHECK(trace.watched());
  std::vector<std::string> heard;
  trace.set_listener([&heard](const TraceEvent& e) { heard.push_back(e.text.str()); });
  TraceEvent folded;
  folded.kind = TraceKind::note;
  folded.topic = "commit";
  folded.text = "commit 1";
  trace.record(folded);
  plain.record(folded);
  TraceEvent view = folded;
  view.topic = "progress";
  view.text = "ack from 1: next 2 match 1";
  trace.record_view(view);
  CHECK(trace.fingerprint() == plain.fingerprint());
  CHECK(trace.all().size() == 2);
  CHECK(trace.recent().back().topic == "progress");
  CHECK(heard == std::vector<std::string>{"commit 1", "ack from 1: next 2 match 1"});
  trace.record(folded);  // folded events still move it
  CHECK(trace.fingerprint() != plain.fingerprint());
}

TEST_CASE("trace: JSON lines export and the recent-events ring", "[sim][trace]") {
  Trace trace(TraceOptions{true, 3});
  for (int i = 1; i <= 5; ++i) {
    trace.record({Instant::from_ns(i), TraceKind::note, 0, kNoNode, 0, 0, "t", std::to_string(i)});
  }
  std::ostringstream out;
  trace.write_jsonl(out);
  std::istringstream lines(out.str());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) ++count;
  CHECK(count == 5);
  CHECK(Trace::to_json(trace.all()[0]) ==
        R"({"at_ns":1,"kind":"note","node":0,"topic":"t","text":"1"})");
  const std::vector<TraceEvent> recent = trace.recent();
  REQUIRE(recent.size() == 3);
  CHECK(recent[0].text == "3");
  CHECK(recent[2].text == "5");
  CHECK(fingerprint_hex(0xabc) == "0000000000000abc");
}

TEST_CASE("trace: a note of numbers reads as the text fmt would have made", "[sim][trace]") {
  const uint64_t big = std::numeric_limits<uint64_t>::max();
  const int32_t none = -1;
  const TraceText note =
      TraceText::numbers("persist term {} vote {} last {}", uint64_t{3}, none, big);
  const std::string expected = fmt::format("persist term {} vote {} last {}", 3, none, big);
  CHECK(note.is_numbers());
  CHECK(note.str() == expected);
  CHECK(note == expected);
  CHECK(note == TraceText(expected));
  CHECK_FALSE(note == TraceText("persist term 3 vote -1 last 0"));
  CHECK(TraceText::numbers("{}{}", int64_t{-5}, 0u).str() == "-50");
  CHECK(TraceText::numbers("commit {}", uint64_t{0}).str() == "commit 0");
  CHECK_FALSE(TraceText::numbers("commit {}", 7).empty());
  CHECK(TraceText().empty());
}

TEST_CASE("trace: a note of numbers folds, exports and compares as its text", "[sim][trace]") {
  TraceEvent as_numbers{Instant::from_ns(7), TraceKind::note, 2, 1, 9, 4, "vote", {}};
  as_numbers.text = TraceText::numbers("vote for {} term {}", int32_t{1}, uint64_t{4});
  TraceEvent as_text = as_numbers;
  as_text.text = "vote for 1 term 4";
  CHECK(Trace::fold(11, as_numbers) == Trace::fold(11, as_text));
  CHECK(Trace::to_json(as_numbers) == Trace::to_json(as_text));
  CHECK(as_numbers.text == as_text.text);
  as_text.text = "vote for 1 term 5";
  CHECK(Trace::fold(11, as_numbers) != Trace::fold(11, as_text));
}

TEST_CASE("trace: the fold of strings is pinned", "[sim][trace]") {
  // Computed by the byte-at-a-time fold the project shipped first; every fingerprint ever
  // reported depends on it. Texts of 0 to 20 bytes cover whole words, tails and the empty string.
  std::string text;
  uint64_t h = 0;
  for (int n = 0; n <= 20; ++n) {
    const TraceEvent e{Instant::from_ns(5 + n),
                       TraceKind::note,
                       1,
                       2,
                       3,
                       4,
                       std::string(static_cast<size_t>(n % 10), 't'),
                       text};
    h = Trace::fold(h, e);
    text += static_cast<char>('a' + n);
  }
  const TraceEvent high_bytes{Instant::from_ns(1),
                              TraceKind::note,
                              0,
                              kNoNode,
                              0,
                              0,
                              "persist",
                              "\xff\x80 persist term 3 vote -1 last 18446744073709551615"};
  h = Trace::fold(h, high_bytes);
  CHECK(h == 0x0efb3a30b788b2b6ULL);
}
