// How a subcommand plugs into the raftsim CLI. Each command lives in its own file and exposes one
// `add_*_command` function that declares its options on a CLI11 subcommand and stores, in `action`,
// the function main() runs once parsing succeeded. The action returns an ExitCode.
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <functional>
#include <string>
#include <thread>

#include "tools/exit_codes.h"

namespace raftsim::cli {

using Action = std::function<int()>;

// Accepts only a whole number in [0, 2^64): CLI11 would otherwise wrap "-1" into a huge seed.
inline CLI::Validator unsigned_integer() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const bool digits = !text.empty() && text.size() <= 20 &&
                            text.find_first_not_of("0123456789") == std::string::npos;
        if (digits && (text.size() < 20 || text <= "18446744073709551615")) return "";
        return "got '" + text + "', expected a whole number from 0 to 18446744073709551615";
      },
      "UINT64");
}

// The most workers (threads or child processes) a --jobs option accepts: 4 per hardware thread,
// and at least 8. More buys nothing for CPU-bound runs and, past what the machine can start,
// used to end in std::terminate; a larger value is a usage error (exit 64).
inline unsigned jobs_max() { return 4 * std::max(2u, std::thread::hardware_concurrency()); }

// Accepts `min` (0: the command's default, one per core) to jobs_max().
inline CLI::Validator jobs_validator(unsigned min = 0) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        const bool digits = !text.empty() && text.size() <= 9 &&
                            text.find_first_not_of("0123456789") == std::string::npos;
        if (digits && std::stoul(text) >= min && std::stoul(text) <= jobs_max()) return "";
        return "got '" + text + "', expected " + std::to_string(min) + " to " +
               std::to_string(jobs_max()) + " (at most 4 per hardware thread on this machine)";
      },
      std::to_string(min) + ".." + std::to_string(jobs_max()));
}

// The fiber cap of --fibers-max (and $RAFTSIM_FIBERS_MAX, which CLI11 reads into the same option):
// a whole number from 1 to 10,000,000 (scenarios::kFibersMaxMax); anything else is a usage error
// that names both spellings, since the bad value may have come from the environment.
inline CLI::Validator fibers_max_validator() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const bool digits = !text.empty() && text.size() <= 8 &&
                            text.find_first_not_of("0123456789") == std::string::npos;
        if (digits && std::stoul(text) >= 1 && std::stoul(text) <= 10'000'000) return "";
        return "got '" + text +
               "' (from --fibers-max or $RAFTSIM_FIBERS_MAX), expected a whole number of fibers "
               "from 1 to 10000000";
      },
      "1..10000000");
}

void add_version_command(CLI::App& app, Action& action);
void add_demo_command(CLI::App& app, Action& action);
void add_check_command(CLI::App& app, Action& action);
void add_lab_command(CLI::App& app, Action& action);
void add_run_command(CLI::App& app, Action& action);
void add_replay_command(CLI::App& app, Action& action);
void add_shrink_command(CLI::App& app, Action& action);
void add_mutants_command(CLI::App& app, Action& action);
void add_fuzz_command(CLI::App& app, Action& action);
void add_scenarios_command(CLI::App& app, Action& action);
void add_bench_command(CLI::App& app, Action& action);
void add_new_command(CLI::App& app, Action& action);

}  // namespace raftsim::cli
