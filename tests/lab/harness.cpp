#include "tests/lab/harness.h"

#include <fmt/core.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

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
  return std::string(path, static_cast<size_t>(n));
}

}  // namespace

void run_lab_test(const LabTest& test, const std::function<void(Tester&)>& body) {
  run_lab_test(
      test, [](TesterOptions&) {}, body);
}

void run_lab_test(const LabTest& test, const std::function<void(TesterOptions&)>& configure,
                  const std::function<void(Tester&)>& body) {
  const std::string impl = implementation_name();
  const raft::Implementation* implementation = raft::find_implementation(impl);
  if (implementation == nullptr) {
    FAIL(fmt::format("RAFTSIM_IMPL={} is not a known implementation (known: {})", impl,
                     raft::implementation_names()));
  }
  const std::string mutant_text = mutant_name();
  const std::optional<raft::Mutant> mutant = raft::find_mutant(mutant_text);
  if (!mutant.has_value()) {
    FAIL(fmt::format("RAFTSIM_MUTANT={} is not a known mutant (known: {})", mutant_text,
                     raft::mutant_names()));
  }
  std::string mutant_env =
      mutant_text.empty() ? "" : fmt::format("RAFTSIM_MUTANT={} ", mutant_text);
  // The KV labs' service (kv_tester.cpp) is chosen by RAFTSIM_KV: the reproduce line keeps it.
  const char* kv = std::getenv("RAFTSIM_KV");
  if (kv != nullptr && *kv != '\0') mutant_env = fmt::format("RAFTSIM_KV={} ", kv) + mutant_env;
  for (uint64_t seed : seeds()) {
    const auto wall_start = std::chrono::steady_clock::now();  // a measurement, not an input
    TesterOptions options;
    options.servers = test.servers;
    options.reliable = test.reliable;
    options.snapshot = test.snapshot;
    options.implementation = implementation;
    options.seed = seed;
    options.mutant = *mutant;
    configure(options);
    Tester tester(options);
    const std::optional<std::string> failure = tester.run(body);
    const double wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start)
            .count();
    if (failure.has_value()) {
      const std::string report = fmt::format(
          "{} failed on seed {} with implementation {}:\n{}\nreproduce: {}RAFTSIM_SEED={} "
          "RAFTSIM_IMPL={} {} \"{}\"",
          test.name, seed, impl, *failure, mutant_env, seed, impl, program_path(), test.name);
      fmt::print("{}\n", report);
      FAIL(report);
    }
    const RunFigures& figures = tester.figures();
    fmt::print("  [{} seed {}] simulated {:.1f} s, wall {:.0f} ms, {} RPCs, {} events\n", test.name,
               seed, figures.simulated_s, wall_ms, figures.rpcs, figures.events);
  }
}

}  // namespace lab
