// A program that embeds raftsim through its installed CMake package: it runs one seed of a named
// library scenario against the reference Raft and prints the verdict and the run's fingerprint.
// The same scenario and seed print the same line on every run and every machine.
//
// Usage: raftsim_consumer [SCENARIO [SEED]]  (defaults: calm 1). Exits with the run's exit code
// (0 ok, 1 safety, 2 linearizability, 3 liveness, ...), or 64 for an unknown scenario.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "scenarios/library.h"
#include "scenarios/runner.h"

int main(int argc, char** argv) {
  const std::string name = argc > 1 ? argv[1] : "calm";
  const uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;

  const std::optional<scenarios::Scenario> scenario = scenarios::library_scenario(name);
  if (!scenario) {
    std::fprintf(stderr, "raftsim_consumer: no library scenario named %s\n", name.c_str());
    return 64;
  }

  const scenarios::RunResult result = scenarios::run(*scenario, seed);
  std::printf("%s seed %" PRIu64 ": %s, fingerprint %016" PRIx64 ", %" PRIu64 "/%" PRIu64
              " operations completed\n",
              name.c_str(), seed, scenarios::to_string(result.status), result.fingerprint,
              result.operations_ok, result.operations);
  if (result.failure) {
    std::printf("  %s: %s\n", result.failure->property.c_str(), result.failure->message.c_str());
  }
  return scenarios::exit_code(result.status);
}
