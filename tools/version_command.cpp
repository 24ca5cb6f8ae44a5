// `raftsim version`: the program version and the git commit it was built from.
#include <fmt/core.h>

#include "tools/command.h"
#include "tools/version.h"

namespace raftsim::cli {

void add_version_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("version", "Print the version and the git commit");
  cmd->callback([&action] {
    action = [] {
      fmt::print("raftsim {} (commit {})\n", kVersion, kGitCommit);
      return kExitOk;
    };
  });
}

}  // namespace raftsim::cli
