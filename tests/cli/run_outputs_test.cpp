// End-to-end tests of how `raftsim run` and `raftsim replay` show a run: --perfetto (Chrome
// trace-event JSON), --log TOPICS (the dslogs-style log), --html (the run picture), and the
// protocol and client notes in --trace. They run the built binary on a short scenario.
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "tests/cli/cli_run.h"

namespace {

using cli_test::Result;
using cli_test::ScratchDir;
using nlohmann::json;

// The topic of every log line ("   1234.567 VOTE    s1 vote for 2 term 5"), counted.
std::map<std::string, int> log_topics(const std::string& out) {
  std::map<std::string, int> topics;
  const std::regex log_line(R"(^ *[0-9]+\.[0-9]{3} ([A-Z]+) )");
  std::istringstream lines(out);
  std::smatch match;
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, match, log_line)) ++topics[match[1]];
  }
  return topics;
}

}  // namespace

TEST_CASE("run: --perfetto writes trace-event JSON with role spans, flows and client spans",
          "[run]") {
  ScratchDir dir("perfetto");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r = dir.raftsim("run short.json --seed 3 --perfetto p.json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const json trace = json::parse(cli_test::read_text(dir.path() / "p.json"));
  REQUIRE(trace["traceEvents"].is_array());
  std::set<std::string> process_names;
  std::set<std::string> role_names;
  std::map<uint64_t, int> flow_starts, flow_ends;
  int client_begins = 0, begins = 0, ends = 0;
  for (const json& e : trace["traceEvents"]) {
    const std::string ph = e["ph"];
    if (ph == "M" && e["name"] == "process_name") process_names.insert(e["args"]["name"]);
    if (ph == "B") ++begins;
    if (ph == "E") ++ends;
    if (ph == "B" && e["cat"] == "role") role_names.insert(e["name"]);
    if (ph == "B" && e["cat"] == "client") ++client_begins;
    if (ph == "s") ++flow_starts[e["id"].get<uint64_t>()];
    if (ph == "f") {
      ++flow_ends[e["id"].get<uint64_t>()];
      CHECK(e["bp"] == "e");
    }
  }
  CHECK(process_names.count("s0") == 1);
  CHECK(process_names.count("s2") == 1);
  CHECK(process_names.count("c1") == 1);
  CHECK(process_names.count("nemesis") == 1);
  CHECK(role_names.count("follower term 0") == 1);
  CHECK(std::any_of(role_names.begin(), role_names.end(),
                    [](const std::string& name) { return name.rfind("leader term ", 0) == 0; }));
  CHECK(client_begins > 10);
  CHECK(begins == ends);  // every span is closed
  CHECK(flow_starts.size() > 100);
  CHECK(flow_starts == flow_ends);  // every flow has one start and one end, by packet id
}

TEST_CASE("run: --log prints only the chosen topics, one column per server", "[run]") {
  ScratchDir dir("log");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r = dir.raftsim("run short.json --seed 3 --log vote,role");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const std::map<std::string, int> topics = log_topics(r.out);
  CHECK(topics.size() == 2);
  CHECK(topics.count("VOTE") == 1);
  CHECK(topics.count("ROLE") == 1);
  CHECK(r.out.find("\x1b[") == std::string::npos);  // no colours when stdout is not a terminal
  // s1's events are indented into the second column, s0's are not.
  CHECK(r.out.find("ROLE    s0 follower term 0") != std::string::npos);
  CHECK(r.out.find("ROLE    s1") == std::string::npos);
  CHECK(r.out.find("fingerprint") != std::string::npos);  // the summary still follows

  const Result all = dir.raftsim("run short.json --seed 3 --log all");
  const std::map<std::string, int> every = log_topics(all.out);
  for (const char* topic : {"VOTE", "ROLE", "APPEND", "PROGRESS", "COMMIT", "APPLY", "PERSIST",
                            "NET", "FAULT", "CLIENT"}) {
    INFO(topic);
    CHECK(every.count(topic) == 1);
  }
  const Result bad = dir.raftsim("run short.json --log vote,gossip");
  CHECK(bad.exit_code == 64);
  CHECK(bad.err.find("gossip") != std::string::npos);
}

// The leader's nextIndex and matchIndex per follower, in the leader's column; watching them does
// not change the run's fingerprint.
TEST_CASE("run: --log progress shows each follower's next and match index at the leader", "[run]") {
  ScratchDir dir("log-progress");
  dir.write("short.json", cli_test::kShortCalm);
  const Result plain = dir.raftsim("run short.json --seed 3 --json");
  REQUIRE(plain.exit_code == 0);
  const std::string fingerprint = json::parse(plain.out)["fingerprint"];
  const Result r = dir.raftsim("run short.json --seed 3 --log progress,role");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(log_topics(r.out).count("PROGRESS") == 1);
  CHECK_THAT(r.out, Catch::Matches("[\\s\\S]*PROGRESS +s[0-9] ack from [0-9]: next [0-9]+ match "
                                   "[0-9]+\n[\\s\\S]*"));
  CHECK_THAT(r.out, Catch::Contains("fingerprint " + fingerprint));
}

TEST_CASE("run: --log client names the server and log index that answered each operation",
          "[run]") {
  ScratchDir dir("log-client");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r = dir.raftsim("run short.json --seed 3 --log client");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(
      r.out,
      Catch::Matches("[\\s\\S]*return (get|put|append) k[0-9]+ (-> \"[^\"]*\"|ok) from s[0-9] at "
                     "[1-9][0-9]*\n[\\s\\S]*"));
}

namespace {

// The run picture's model, from the JSON the page draws (views/run_picture.h).
json picture_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"run-data\">";
  const size_t from = html.find(open);
  REQUIRE(from != std::string::npos);
  const size_t to = html.find("</script>", from);
  return json::parse(html.substr(from + open.size(), to - from - open.size()));
}

}  // namespace

TEST_CASE("run: --html writes the run picture with the history picture below it", "[run]") {
  ScratchDir dir("html");
  dir.write("short.json", cli_test::kShortCalm);
  const Result r = dir.raftsim("run short.json --seed 3 --html h.html --json");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string html = cli_test::read_text(dir.path() / "h.html");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("short-calm seed 3") != std::string::npos);
  CHECK(html.find("</html>") != std::string::npos);
  // The run: a lane per server, each of which led or followed, and no failure.
  const json data = picture_data(html);
  CHECK(data["title"] == "short-calm seed 3");
  CHECK(data["end_ns"] == json::parse(r.out)["sim_ms"].get<int64_t>() * 1'000'000);
  REQUIRE(data["servers"].size() == 3);
  for (const json& server : data["servers"]) CHECK_FALSE(server["roles"].empty());
  CHECK(data["failure"].is_null());
  CHECK(data["operations"].size() == json::parse(r.out)["operations"].get<size_t>());
  size_t answered = 0;  // [client, call, return, label, unplaced, who answered]
  for (const json& op : data["operations"]) answered += op[5].get<std::string>().rfind("s", 0) == 0;
  CHECK(answered > 0);
  // The history: a partition per key with a lane per client and a bar per operation.
  CHECK(html.find("class=\"partition") != std::string::npos);
  CHECK(html.find("class=\"lane") != std::string::npos);
  size_t bars = 0;
  for (size_t at = html.find("data-op=\""); at != std::string::npos;
       at = html.find("data-op=\"", at + 1)) {
    ++bars;
  }
  CHECK(bars >= json::parse(r.out)["operations"].get<size_t>());
  CHECK(json::parse(r.out)["operations"].get<size_t>() > 10);
}

// Drawing the run listens to its trace, which makes view events (the links after a partition,
// the leader's progress): none of it may change the run.
TEST_CASE("run: the run picture changes nothing in the run, and draws its partitions", "[run]") {
  ScratchDir dir("html-partitions");
  const Result drawn = dir.raftsim("run partitions --seed 2 --html p.html --json");
  const Result plain = dir.raftsim("run partitions --seed 2 --json");
  INFO(drawn.out << drawn.err);
  REQUIRE(drawn.exit_code == 0);
  CHECK(json::parse(drawn.out)["fingerprint"] == json::parse(plain.out)["fingerprint"]);
  CHECK(json::parse(drawn.out)["events"] == json::parse(plain.out)["events"]);
  const json data = picture_data(cli_test::read_text(dir.path() / "p.html"));
  size_t partition_bands = 0;
  for (const json& server : data["servers"]) {
    for (const json& band : server["bands"]) partition_bands += band[2] == "partition" ? 1 : 0;
  }
  CHECK(partition_bands > 0);
  CHECK(data["faults"].size() > 0);
}

TEST_CASE("run: protocol and client notes are traced and the fingerprint stays deterministic",
          "[run]") {
  ScratchDir dir("notes");
  dir.write("short.json", cli_test::kShortCalm);
  const Result a = dir.raftsim("run short.json --seed 8 --json --trace t.jsonl");
  const Result b = dir.raftsim("run short.json --seed 8 --json");
  REQUIRE(a.exit_code == 0);
  CHECK(json::parse(a.out)["fingerprint"] == json::parse(b.out)["fingerprint"]);
  std::map<std::string, int> notes;
  std::istringstream lines(cli_test::read_text(dir.path() / "t.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    const json event = json::parse(line);
    if (event["kind"] == "note") ++notes[event["topic"]];
  }
  for (const char* topic : {"role", "vote", "append", "commit", "apply", "persist", "client"}) {
    INFO(topic);
    CHECK(notes[topic] > 0);
  }
}

TEST_CASE("replay: --perfetto, --log and --html show the replayed run", "[run]") {
  ScratchDir dir("replay-outputs");
  dir.write("short.json", cli_test::kShortCalm);
  REQUIRE(dir.raftsim("run short.json --seed 2 --report r.json").exit_code == 0);
  const Result r = dir.raftsim("replay r.json --perfetto p.json --log fault --html h.html");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("fingerprint identical") != std::string::npos);
  CHECK(log_topics(r.out) == std::map<std::string, int>{{"FAULT", log_topics(r.out)["FAULT"]}});
  CHECK(json::parse(cli_test::read_text(dir.path() / "p.json"))["traceEvents"].size() > 100);
  CHECK(std::filesystem::file_size(dir.path() / "h.html") > 1000);
}

// Every file raftsim writes goes to a temporary name and is renamed into place: a full disk (here
// a file-size limit, which fails the write the same way) leaves the old file whole, no partial
// file beside it, and an error naming the file with exit 65.
TEST_CASE("run: an output that cannot be written leaves the old file whole and exits 65", "[run]") {
  ScratchDir dir("full-disk");
  dir.write("short.json", cli_test::kShortCalm);
  dir.write("h.html", "old picture");
  // dash's ulimit -f counts 512-byte blocks: 8 KiB, far below the picture.
  const std::string command =
      "cd '" + dir.path().string() + "' && ulimit -f 16 && trap '' XFSZ && " + RAFTSIM_BINARY +
      " run short.json --seed 3 --json --html h.html" + " >/dev/null 2>.stderr";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 65);
  const std::string err = cli_test::read_text(dir.path() / ".stderr");
  INFO(err);
  CHECK(err.find("cannot write h.html: File too large") != std::string::npos);
  CHECK(cli_test::read_text(dir.path() / "h.html") == "old picture");
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK(entry.path().filename().string().find(".partial") == std::string::npos);
  }
}

TEST_CASE("run: outputs replace an older file whole", "[run]") {
  ScratchDir dir("replace");
  dir.write("short.json", cli_test::kShortCalm);
  dir.write("h.html", "old picture");
  const Result r = dir.raftsim("run short.json --seed 3 --json --html h.html");
  REQUIRE(r.exit_code == 0);
  const std::string html = cli_test::read_text(dir.path() / "h.html");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("old picture") == std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK(entry.path().filename().string().find(".partial") == std::string::npos);
  }
}
