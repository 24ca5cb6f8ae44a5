// raftsim: the command-line entry point. Parses the command line with CLI11, then runs the chosen
// subcommand's action. Usage errors print one line naming the problem and exit 64.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <exception>

#include "tools/command.h"

int main(int argc, char** argv) {
  using namespace raftsim::cli;
  CLI::App app{"raftsim: deterministic simulation testing for Raft"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every subcommand");
  Action action;
  add_version_command(app, action);
  add_check_command(app, action);
  add_lab_command(app, action);
  add_run_command(app, action);
  add_replay_command(app, action);
  add_shrink_command(app, action);
  add_mutants_command(app, action);
  add_fuzz_command(app, action);
  add_scenarios_command(app, action);
  add_bench_command(app, action);
  add_demo_command(app, action);
  add_new_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "raftsim: {} (see raftsim --help)\n", e.what());
    return kExitUsage;
  }
  if (!action) {
    fmt::print(stderr, "raftsim: no command given (see raftsim --help)\n");
    return kExitUsage;
  }
  try {
    return action();
  } catch (const std::exception& e) {
    fmt::print(stderr, "raftsim: internal error: {}\n", e.what());
    return kExitCrash;
  }
}
