// Every reader of the CLI on hostile input, end to end: scenarios (`run`), failure reports
// (`replay`), raftsim-history/1 JSON and Jepsen EDN (`check`). Each bad input exits 65 with one
// line on stderr naming the file, the position (JSON path, EDN line and column) and the problem,
// with control characters escaped; no input ends as an internal error (exit 4). Beside each,
// inputs that are unusual but valid (or invalid for another reason) show that the limits
// (README.md, "Input limits") reject nothing real.
#include <catch2/catch.hpp>
#include <string>

#include "tests/cli/cli_run.h"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using cli_test::Result;
using cli_test::ScratchDir;

namespace {

// One reader: the command that reads a file, and a valid document with a hole where a hostile
// value goes.
struct Reader {
  const char* name;
  const char* command;  // "run", "replay", "check"
  const char* prefix;  // the message's start after the file name ("raftsim: " or "raftsim check: ")
  std::string before;  // a valid document is before + value + after
  std::string after;
  const char* extension;
};

const std::string kScenarioHead =
    R"({"format": "raftsim-scenario/1", "name": "x", "duration_ms": )";
const std::string kReportHead = R"({"format": "raftsim-report/1", "version": "v", "seed": )";
const std::string kHistoryHead =
    R"({"format": "raftsim-history/1", "model": "register", "operations": [)"
    R"({"client": 0, "call_ns": 1, "return_ns": )";

std::vector<Reader> readers() {
  return {
      {"scenario", "run", "raftsim: ", kScenarioHead, "}", ".json"},
      {"report", "replay", "raftsim: ", kReportHead, "}", ".json"},
      {"history", "check", "raftsim check: ", kHistoryHead, R"(, "op": "read"}]})", ".json"},
      {"edn", "check", "raftsim check: ", "[{:process 0, :type :invoke, :f :write, :value [", "]}]",
       ".edn"},
  };
}

// The one line a bad input gets, checked for the file name and exit 65.
std::string one_line(const Result& result, const Reader& reader, const std::string& file) {
  INFO(result.err);
  CHECK(result.exit_code == 65);
  CHECK_THAT(result.err, StartsWith(reader.prefix + file));
  CHECK(result.err.find('\n') == result.err.size() - 1);
  CHECK_THAT(result.err, !Contains("internal error"));
  return result.err;
}

}  // namespace

TEST_CASE("readers: a number out of range is exit 65 at its path, not an internal error") {
  ScratchDir dir("reader-number");
  for (const Reader& reader : readers()) {
    INFO(reader.name);
    const std::string file = std::string("n") + reader.extension;
    dir.write(file, reader.before + "1e400" + reader.after);
    const std::string line =
        one_line(dir.raftsim(std::string(reader.command) + " " + file), reader, file);
    if (std::string(reader.extension) == ".edn") {
      CHECK_THAT(line, Contains("line 1"));  // EDN keeps floats as text: the :value is mistyped
    } else {
      CHECK_THAT(line, Contains("$.") && Contains("1e400"));
    }
  }
}

TEST_CASE("readers: nesting 200,000 deep is exit 65 naming where, without a crash") {
  ScratchDir dir("reader-deep");
  for (const Reader& reader : readers()) {
    INFO(reader.name);
    const bool edn = std::string(reader.extension) == ".edn";
    const std::string file = std::string("deep") + reader.extension;
    dir.write(file,
              reader.before + std::string(200'000, '[') + std::string(200'000, ']') + reader.after);
    const std::string line =
        one_line(dir.raftsim(std::string(reader.command) + " " + file), reader, file);
    CHECK_THAT(line, Contains(edn ? "line 1, column " : "[0][0][0]"));
    CHECK_THAT(line, Contains("nest"));
  }
}

TEST_CASE("readers: nesting within the limit is no depth error") {
  ScratchDir dir("reader-shallow");
  // 20 levels inside the value: wrong for every reader, but not for its depth.
  for (const Reader& reader : readers()) {
    INFO(reader.name);
    const std::string file = std::string("shallow") + reader.extension;
    dir.write(file, reader.before + std::string(20, '[') + std::string(20, ']') + reader.after);
    const std::string line =
        one_line(dir.raftsim(std::string(reader.command) + " " + file), reader, file);
    CHECK_THAT(line, !Contains("nest"));
  }
}

TEST_CASE("readers: a directory, an endless device and a missing file are one clear line") {
  ScratchDir dir("reader-files");
  std::filesystem::create_directories(dir.path() / "folder.json");
  for (const Reader& reader : readers()) {
    INFO(reader.name);
    const std::string command = std::string(reader.command) + " ";
    CHECK_THAT(one_line(dir.raftsim(command + "folder.json"), reader, "folder.json"),
               Contains("folder.json: is a directory, not a file"));
    CHECK_THAT(one_line(dir.raftsim(command + "/dev/zero"), reader, "/dev/zero"),
               Contains("/dev/zero: larger than the limit of"));
  }
  // A path whose status cannot be read (std::filesystem::exists would throw) is no crash.
  const std::string long_name = std::string(5000, 'x') + ".json";
  const Result result = dir.raftsim("run " + long_name);
  CHECK(result.exit_code == 65);
  CHECK_THAT(result.err, Contains("File name too long"));
}

TEST_CASE("readers: control characters in the file name and the contents are escaped") {
  ScratchDir dir("reader-escape");
  for (const Reader& reader : readers()) {
    INFO(reader.name);
    const std::string file = std::string("a\x1b[31m\nb") + reader.extension;
    const std::string shown = std::string("a\\x1b[31m\\nb") + reader.extension;
    dir.write(file, reader.before + "\"\x1b]0;title\x07\xff\"" + reader.after);
    // printf, as /bin/sh may not know $'...'.
    const Result result = dir.raftsim(std::string(reader.command) + " \"$(printf 'a\\033[31m\\nb" +
                                      reader.extension + "')\"");
    const std::string line = one_line(result, reader, shown);
    CHECK(line.find('\x1b') == std::string::npos);
    CHECK(line.find('\x07') == std::string::npos);
  }
}

TEST_CASE("readers: valid files with unusual unicode are accepted") {
  ScratchDir dir("reader-unicode");
  dir.write("h.json", R"({"format": "raftsim-history/1", "model": "kv", "operations": [)"
                      R"({"client": 0, "call_ns": 1, "return_ns": 2, "op": "put", "key": "ключ", )"
                      "\"value\": \"\xf0\x9f\x98\x80 e\xcc\x81 \\u202e \\u0000\"},"
                      R"({"client": 1, "call_ns": 3, "return_ns": 4, "op": "get", "key": "ключ", )"
                      "\"output\": \"\xf0\x9f\x98\x80 e\xcc\x81 \\u202e \\u0000\"}]}");
  dir.write(
      "h.edn",
      "[{:process 0, :type :invoke, :f :put, :key \"\xe3\x81\x82\", :value \"\xf0\x9f\x98\x80\"}\n"
      " {:process 0, :type :ok, :f :put, :key \"\xe3\x81\x82\", :value \"\xf0\x9f\x98\x80\"}]\n");
  dir.write("s.json", R"({"format": "raftsim-scenario/1", "name": "ünïcödé ✓", )"
                      R"("description": "\u202e\ud83d\ude00", "duration_ms": 500, )"
                      R"("workload": {"clients": 1, "keys": 1}})");
  CHECK(dir.raftsim("check h.json").exit_code == 0);
  CHECK(dir.raftsim("check h.edn").exit_code == 0);
  CHECK(dir.raftsim("run s.json --seed 1").exit_code == 0);
}

TEST_CASE("readers: a big valid history is checked, not refused") {
  ScratchDir dir("reader-big");
  std::string text = R"({"format": "raftsim-history/1", "model": "register", "operations": [)";
  for (int i = 0; i < 50'000; ++i) {
    text += (i == 0 ? "" : ",\n") + std::string(R"({"client": 0, "call_ns": )") +
            std::to_string(2 * i) + R"(, "return_ns": )" + std::to_string(2 * i + 1) +
            R"(, "op": "write", "value": )" + std::to_string(i) + "}";
  }
  dir.write("big.json", text + "]}");
  const Result result = dir.raftsim("check big.json");
  INFO(result.err);
  CHECK(result.exit_code == 0);
}
