// How a subcommand plugs into the raftsim CLI. Each command lives in its own file and exposes one
// `add_*_command` function that declares its options on a CLI11 subcommand and stores, in `action`,
// the function main() runs once parsing succeeded. The action returns an ExitCode.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "tools/exit_codes.h"

namespace raftsim::cli {

using Action = std::function<int()>;

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

}  // namespace raftsim::cli
