// `raftsim check` end to end: runs the built binary on history files and checks its exit codes
// (0 ok, 2 illegal, 6 unknown, 64 usage, 65 bad input), its --json lines and its --html file.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Run {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// A scratch directory per test program run, removed at exit.
const fs::path& scratch() {
  static const fs::path directory = [] {
    fs::path path =
        fs::temp_directory_path() / ("raftsim-check-test-" + std::to_string(::getpid()));
    fs::create_directories(path);
    return path;
  }();
  static const struct Cleanup {
    ~Cleanup() { fs::remove_all(directory); }
  } cleanup;
  return directory;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path path = scratch() / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

Run raftsim(const std::string& arguments) {
  const fs::path out = scratch() / "stdout.txt";
  const fs::path err = scratch() / "stderr.txt";
  const std::string command =
      std::string(RAFTSIM_BINARY) + " " + arguments + " >" + out.string() + " 2>" + err.string();
  const int status = std::system(command.c_str());
  Run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

const std::string kOk = R"({"format": "raftsim-history/1", "model": "kv", "operations": [
  {"client": 0, "call_ns": 100, "return_ns": 250, "op": "put", "key": "x", "value": "1"},
  {"client": 1, "call_ns": 120, "return_ns": 300, "op": "get", "key": "x", "output": "1"},
  {"client": 2, "call_ns": 130, "return_ns": null, "op": "append", "key": "x", "value": "y"}]})";

const std::string kIllegal = R"({"format": "raftsim-history/1", "model": "kv", "operations": [
  {"client": 0, "call_ns": 0, "return_ns": 10, "op": "put", "key": "x", "value": "old"},
  {"client": 0, "call_ns": 20, "return_ns": 30, "op": "put", "key": "x", "value": "new"},
  {"client": 1, "call_ns": 40, "return_ns": 50, "op": "get", "key": "x", "output": "old"}]})";

// Sixteen concurrent writes of distinct values and an impossible read: far more than 100 steps.
std::string hard_register_history() {
  std::string text = R"({"format": "raftsim-history/1", "model": "register", "operations": [)";
  for (int client = 0; client < 16; ++client) {
    text += R"({"client": )" + std::to_string(client) +
            R"(, "call_ns": 0, "return_ns": 100, "op": "write", "value": )" +
            std::to_string(client) + "}, ";
  }
  return text + R"({"client": 99, "call_ns": 200, "return_ns": 300, "op": "read", "output": 42}]})";
}

}  // namespace

TEST_CASE("raftsim check: a linearizable history exits 0") {
  const Run run = raftsim("check " + write_file("ok.json", kOk));
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Matchers::Contains("ok.json: ok (3 operations, 1 partitions"));
}

TEST_CASE("raftsim check: an illegal history exits 2 and says where it breaks") {
  const Run run = raftsim("check " + write_file("bad.json", kIllegal));
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.out, Catch::Matchers::Contains("bad.json: illegal"));
  CHECK_THAT(run.out, Catch::Matchers::Contains("places 2 of 3 operations"));
  CHECK_THAT(run.out, Catch::Matchers::Contains("#2 get(\"x\") -> \"old\""));
}

TEST_CASE("raftsim check: a history the budget cannot decide exits 6, never 0") {
  const std::string file = write_file("hard.json", hard_register_history());
  const Run run = raftsim("check --steps-max 100 --json " + file);
  CHECK(run.exit_code == 6);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["verdict"] == "unknown");
  // With the budget it needs, the verdict is exact.
  CHECK(raftsim("check " + file).exit_code == 2);
}

// `count` operations on one key, every one concurrent with every other (all are called before
// any returns): puts of distinct values and gets of values put, the shape whose every search step
// walks all events. The hostile-user history of issue 16 had 100,000.
std::string overlapping_history(int count) {
  nlohmann::json operations = nlohmann::json::array();
  for (int i = 0; i < count; ++i) {
    nlohmann::json operation = {
        {"client", i}, {"call_ns", i}, {"return_ns", count + i}, {"key", "k"}};
    if (i % 2 == 0) {
      operation["op"] = "put";
      operation["value"] = std::to_string(i);
    } else {
      operation["op"] = "get";
      operation["output"] = std::to_string((i * 7919) % count / 2 * 2);
    }
    operations.push_back(operation);
  }
  return nlohmann::json{
      {"format", "raftsim-history/1"}, {"model", "kv"}, {"operations", operations}}
      .dump();
}

TEST_CASE("raftsim check: the wall-time budget holds on a history of expensive steps") {
  const std::string file = write_file("overlap.json", overlapping_history(40'000));
  const Run run = raftsim("check --budget-ms 300 " + file);
  CHECK(run.exit_code == 6);
  CHECK_THAT(run.out, Catch::Matchers::Contains("overlap.json: unknown"));
  CHECK_THAT(run.out, Catch::Matchers::Contains(
                          "budget: the wall-time budget (--budget-ms 300) ran out after"));
  CHECK_THAT(run.out, Catch::Matchers::Contains("0 of 1 partitions decided"));
  CHECK_THAT(run.out, Catch::Matchers::Contains("of its 40000 operations placed"));
  // A generous sanity bound, not a measurement: before the fix this took minutes.
  const auto lines = json_lines(raftsim("check --json --budget-ms 300 " + file).out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["budget_ran_out"] == "time");
  CHECK(lines[0]["elapsed_ms"].get<double>() < 30'000);
}

TEST_CASE("raftsim check: the memory budget ends the search with exit 6 and says so") {
  const std::string file = write_file("overlap-mem.json", overlapping_history(20'000));
  const Run run = raftsim("check --budget-ms 0 --budget-mb 2 " + file);
  CHECK(run.exit_code == 6);
  CHECK_THAT(run.out,
             Catch::Matchers::Contains("budget: the memory budget (--budget-mb 2) ran out after"));
  // A history that fits is decided as before, with a small memory budget too.
  CHECK(raftsim("check --budget-mb 2 " + write_file("ok.json", kOk)).exit_code == 0);
  CHECK(raftsim("check --budget-mb 2 " + write_file("bad.json", kIllegal)).exit_code == 2);
}

TEST_CASE("raftsim check: --json prints one object per file") {
  const Run run =
      raftsim("check --json " + write_file("a.json", kOk) + " " + write_file("b.json", kIllegal));
  CHECK(run.exit_code == 2);
  const auto lines = json_lines(run.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["file"].get<std::string>().ends_with("a.json"));
  CHECK(lines[0]["verdict"] == "ok");
  CHECK(lines[0]["operations"] == 3);
  CHECK(lines[0]["partitions"] == 1);
  CHECK(lines[0]["elapsed_ms"].is_number());
  CHECK(lines[1]["verdict"] == "illegal");
  CHECK(lines[1]["not_ok_partitions"][0]["key"] == "x");
  CHECK(lines[1]["not_ok_partitions"][0]["longest"] == nlohmann::json::array({0, 1}));
  CHECK(lines[1]["not_ok_partitions"][0]["unplaced"] == nlohmann::json::array({2}));
}

TEST_CASE("raftsim check: bad input exits 65 naming the file, the operation and the problem") {
  const std::string broken =
      write_file("broken.json", R"({"format": "raftsim-history/1", "model": "kv", "operations": [
        {"client": 0, "call_ns": 200, "return_ns": 100, "op": "get", "key": "x"}]})");
  const Run run = raftsim("check " + broken + " " + write_file("fine.json", kOk));
  CHECK(run.exit_code == 65);
  CHECK_THAT(run.err, Catch::Matchers::Contains(
                          "broken.json: $.operations[0]: return_ns 100 is before call_ns 200"));
  CHECK_THAT(run.out, Catch::Matchers::Contains("fine.json: ok"));  // the others are still checked
  CHECK(raftsim("check " + write_file("empty.json", "")).exit_code == 65);
  CHECK(raftsim("check " + write_file("junk.json", "{not json")).exit_code == 65);
  CHECK(raftsim("check " + (scratch() / "missing.json").string()).exit_code == 65);
  const Run edn = raftsim("check " + write_file("junk.edn", "{:process 0, :type :ok}"));
  CHECK(edn.exit_code == 65);
  CHECK_THAT(edn.err, Catch::Matchers::Contains("junk.edn: entry 0 (line 1)"));
  const Run json = raftsim("check --json " + broken);
  CHECK(json_lines(json.out).at(0)["verdict"] == "bad_input");
}

TEST_CASE("raftsim check: Jepsen histories, the model and the initial value") {
  const std::string file = write_file("register.edn", R"(
{:process 0, :type :invoke, :f :read, :value nil}
{:process 0, :type :ok, :f :read, :value 3})");
  CHECK(raftsim("check " + file).exit_code == 2);
  CHECK(raftsim("check --initial 3 " + file).exit_code == 0);
  CHECK(raftsim("check --format jepsen --model register --initial 3 " + file).exit_code == 0);
  CHECK(raftsim("check --initial three " + file).exit_code == 64);
  CHECK(raftsim("check --model queue " + file).exit_code == 64);
  CHECK(raftsim("check --model kv " + file).exit_code == 65);
  CHECK(raftsim("check").exit_code == 64);
}

TEST_CASE("raftsim check: --html writes a self-contained picture") {
  const std::string html = (scratch() / "picture.html").string();
  const Run run = raftsim("check --html " + html + " " + write_file("bad.json", kIllegal));
  CHECK(run.exit_code == 2);
  const std::string text = slurp(html);
  CHECK(text.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_THAT(text, Catch::Matchers::Contains("<div class=\"op unplaced due\" data-op=\"2\""));
  CHECK(text.find("src=") == std::string::npos);
}
