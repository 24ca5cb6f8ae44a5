#include "tests/lab/harness.h"

#include <fmt/core.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "scenarios/runner.h"
#include "tests/lab/failure_artifacts.h"
#include "views/log_view.h"
#include "views/reproduce.h"

#ifndef RAFTSIM_LAB_SEEDS_DEFAULT
#define RAFTSIM_LAB_SEEDS_DEFAULT 1
#endif

namespace lab {
namespace {

std::optional<uint64_t> env_number(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (*end != '\0') FAIL(fmt::format("{}={} is not a number", name, text));
  return value;
}

std::vector<uint64_t> seeds() {
  if (std::optional<uint64_t> seed = env_number("RAFTSIM_SEED")) return {*seed};
  const uint64_t count = env_number("RAFTSIM_SEEDS").value_or(RAFTSIM_LAB_SEEDS_DEFAULT);
  std::vector<uint64_t> list;
  for (uint64_t seed = 1; seed <= count; ++seed) list.push_back(seed);
  return list;
}

std::string implementation_name() {
  const char* name = std::getenv("RAFTSIM_IMPL");
  return name != nullptr && *name != '\0' ? name : "reference";
}

std::string mutant_name() {
  const char* name = std::getenv("RAFTSIM_MUTANT");
  return name != nullptr ? name : "";
}

std::string program_path() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return "<lab test program>";
  return views::shown_path(std::string(path, static_cast<size_t>(n)));
}

// RAFTSIM_FIBERS_MAX: 0 when unset, else 1..kFibersMaxMax.
uint64_t fibers_max() {
  const char* text = std::getenv("RAFTSIM_FIBERS_MAX");
  if (text == nullptr || *text == '\0') return 0;
  const std::string value(text);
  const bool digits =
      value.size() <= 9 && value.find_first_not_of("0123456789") == std::string::npos;
  const uint64_t cap = digits ? std::stoull(value) : 0;
  if (cap < 1 || cap > static_cast<uint64_t>(scenarios::kFibersMaxMax)) {
    FAIL(fmt::format(
        "RAFTSIM_FIBERS_MAX={} is not a fiber cap: expected a whole number from 1 to {}", value,
        scenarios::kFibersMaxMax));
  }
  return cap;
}

// RAFTSIM_LOG: the topics of a failure's log.txt, as `raftsim run --log` takes them; default all.
std::set<std::string> log_topics() {
  const char* text = std::getenv("RAFTSIM_LOG");
  const std::string list = text != nullptr && *text != '\0' ? text : "all";
  std::string error;
  const std::optional<std::set<std::string>> topics = views::parse_log_topics(list, &error);
  if (!topics) FAIL(fmt::format("RAFTSIM_LOG={}: {}", list, error));
  return *topics;
}

// RAFTSIM_IGNORE_PROPERTY: safety property names separated by commas (the names have spaces, no
// commas); each must be one the checker knows.
std::vector<std::string> ignored_properties() {
  const char* text = std::getenv("RAFTSIM_IGNORE_PROPERTY");
  if (text == nullptr || *text == '\0') return {};
  const std::string list(text);
  std::vector<std::string> names;
  for (size_t begin = 0; begin <= list.size();) {
    const size_t end = std::min(list.find(',', begin), list.size());
    const std::string name = list.substr(begin, end - begin);
    if (const auto problem = checkers::SafetyChecker::property_problem(name)) {
      FAIL(fmt::format("RAFTSIM_IGNORE_PROPERTY={}: {}", list, *problem));
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    begin = end + 1;
  }
  return names;
}

// RAFTSIM_LAB_ARTIFACTS: where failures' artifact directories go; "off" for nowhere.
std::optional<std::filesystem::path> artifacts_root() {
  const char* text = std::getenv("RAFTSIM_LAB_ARTIFACTS");
  if (text == nullptr || *text == '\0') return std::filesystem::path("raftsim-lab-failures");
  if (std::string(text) == "off") return std::nullopt;
  return std::filesystem::path(text);
}

// The few lines a failing seed prints: the message (its first kMessageLines lines), then the
// seed, kind and fingerprint, the reproduce command and the artifacts' directory.
constexpr size_t kMessageLines = 6;

std::string head_of(const std::string& message, const std::string& rest_in) {
  std::vector<std::string> lines;
  for (size_t begin = 0; begin < message.size();) {
    const size_t end = std::min(message.find('\n', begin), message.size());
    lines.push_back(message.substr(begin, end - begin));
    begin = end + 1;
  }
  std::string head;
  for (size_t i = 0; i < lines.size() && i < kMessageLines; ++i) head += lines[i] + "\n";
  if (lines.size() > kMessageLines) {
    head += fmt::format("  ... ({} more lines {})\n", lines.size() - kMessageLines, rest_in);
  }
  return head;
}

// What the environment chose for every seed of a test: the code under test and how a failure is
// shown. Reading it fails the test for a name or value that is not known.
struct LabSetup {
  std::string impl;
  const raft::Implementation* implementation = nullptr;
  std::string mutant_text;
  raft::Mutant mutant = raft::Mutant::none;
  std::string kv;           // RAFTSIM_KV, which kv_tester.cpp reads: the reproduce line keeps it
  uint64_t fibers_max = 0;  // 0 = the default
  std::vector<std::string> ignored_properties;
  std::set<std::string> log_topics;
  std::optional<std::filesystem::path> artifacts_root;
};

LabSetup lab_setup() {
  LabSetup setup;
  setup.impl = implementation_name();
  setup.implementation = raft::find_implementation(setup.impl);
  if (setup.implementation == nullptr) {
    FAIL(fmt::format("RAFTSIM_IMPL={} is not a known implementation (known: {})", setup.impl,
                     raft::implementation_names()));
  }
  setup.mutant_text = mutant_name();
  const std::optional<raft::Mutant> mutant = raft::find_mutant(setup.mutant_text);
  if (!mutant.has_value()) {
    FAIL(fmt::format("RAFTSIM_MUTANT={} is not a known mutant (known: {})", setup.mutant_text,
                     raft::mutant_names()));
  }
  setup.mutant = *mutant;
  const char* kv = std::getenv("RAFTSIM_KV");
  setup.kv = kv != nullptr && *kv != '\0' ? kv : "reference";
  setup.fibers_max = fibers_max();
  setup.ignored_properties = ignored_properties();
  setup.log_topics = log_topics();
  setup.artifacts_root = artifacts_root();
  return setup;
}

using OptionsFor = std::function<TesterOptions(uint64_t seed)>;

// Prints a failing seed in a few lines, writes its artifacts, and fails the Catch2 test.
[[noreturn]] void report_failure(const LabTest& test, const LabSetup& setup, uint64_t seed,
                                 const RunFailure& failure, uint64_t fingerprint,
                                 const OptionsFor& options_for,
                                 const std::function<void(Tester&)>& body) {
  views::LabRun run;
  run.seed = seed;
  run.impl = setup.impl;
  run.kv = setup.kv;
  run.mutant = setup.mutant_text;
  run.fibers_max = setup.fibers_max;
  run.ignored_properties = setup.ignored_properties;
  run.program = program_path();
  run.test = test.name;
  FailureDescription description;
  description.test = test.name;
  description.seed = seed;
  description.code = fmt::format("implementation {}, kv {}, mutant {}", setup.impl, setup.kv,
                                 setup.mutant_text.empty() ? "none" : setup.mutant_text);
  if (!setup.ignored_properties.empty()) {
    description.code += fmt::format(", ignoring {}", fmt::join(setup.ignored_properties, ", "));
  }
  description.failure = failure;
  description.fingerprint = fingerprint;
  description.reproduce = views::lab_reproduce_command(run);
  std::string artifacts_line;
  std::string rest_in = "in the artifacts' failure.txt";
  if (setup.artifacts_root) {
    // The same seed again, recording every event: a deterministic run is the same run, so its
    // trace is this failure's (the fingerprints say so), and passing runs pay nothing for it.
    TesterOptions again_options = options_for(seed);
    again_options.record_trace = true;
    again_options.quiet = true;
    Tester again(again_options);
    again.run(body);
    description.rerun_fingerprint = again.fingerprint();
    const std::filesystem::path dir = *setup.artifacts_root / views::lab_artifact_name(run);
    const ArtifactsWritten written =
        write_failure_artifacts(dir, description, again, setup.log_topics);
    if (!written.error.empty()) {
      artifacts_line = fmt::format("  artifacts: not written: {}\n", written.error);
    } else {
      artifacts_line =
          fmt::format("  artifacts: {} ({})\n", dir.string(), fmt::join(written.files, ", "));
      rest_in = "in " + (dir / "failure.txt").string();
    }
    if (description.rerun_fingerprint != fingerprint) {
      artifacts_line +=
          fmt::format("  NONDETERMINISM: the re-run that wrote the artifacts has fingerprint {}\n",
                      sim::fingerprint_hex(description.rerun_fingerprint));
    }
  }
  fmt::print("{} failed on seed {} with implementation {}:\n{}", test.name, seed, setup.impl,
             head_of(failure.message, rest_in));
  fmt::print("  seed {}, kind {}, fingerprint {}, simulated {}\n", seed, failure.kind,
             sim::fingerprint_hex(fingerprint), sim::to_string(failure.at));
  fmt::print("  reproduce: {}\n{}", description.reproduce, artifacts_line);
  std::fflush(stdout);
  const std::string first_line = failure.message.substr(0, failure.message.find('\n'));
  FAIL(fmt::format("{} failed on seed {} ({}): {}", test.name, seed, failure.kind, first_line));
  std::abort();  // FAIL throws; this tells the compiler so
}

}  // namespace

void run_lab_test(const LabTest& test, const std::function<void(Tester&)>& body) {
  run_lab_test(
      test, [](TesterOptions&) {}, body);
}

void run_lab_test(const LabTest& test, const std::function<void(TesterOptions&)>& configure,
                  const std::function<void(Tester&)>& body) {
  const LabSetup setup = lab_setup();
  const OptionsFor options_for = [&](uint64_t seed) {
    TesterOptions options;
    options.servers = test.servers;
    options.reliable = test.reliable;
    options.snapshot = test.snapshot;
    options.implementation = setup.implementation;
    options.seed = seed;
    options.mutant = setup.mutant;
    options.fibers_max = setup.fibers_max;
    options.ignored_properties = setup.ignored_properties;
    configure(options);
    return options;
  };
  for (uint64_t seed : seeds()) {
    const auto wall_start = std::chrono::steady_clock::now();  // a measurement, not an input
    std::optional<RunFailure> failure;
    uint64_t fingerprint = 0;
    RunFigures figures;
    std::map<std::string, uint64_t> ignored;
    {
      Tester tester(options_for(seed));
      failure = tester.run(body);
      fingerprint = tester.fingerprint();
      figures = tester.figures();
      ignored = tester.ignored_violations();
    }
    std::vector<std::string> violated;  // the ignored properties this seed broke
    for (const auto& [property, count] : ignored) {
      if (count > 0) violated.push_back(checkers::SafetyChecker::ignored_text(property, count));
    }
    if (!violated.empty()) {
      fmt::print("  [{} seed {}] ignored (RAFTSIM_IGNORE_PROPERTY): {}\n", test.name, seed,
                 fmt::join(violated, "; "));
    }
    if (failure.has_value()) {
      report_failure(test, setup, seed, *failure, fingerprint, options_for, body);
    }
    const double wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start)
            .count();
    fmt::print("  [{} seed {}] simulated {:.1f} s, wall {:.0f} ms, {} RPCs, {} events\n", test.name,
               seed, figures.simulated_s, wall_ms, figures.rpcs, figures.events);
  }
}

}  // namespace lab
