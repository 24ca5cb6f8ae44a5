// `raftsim scenarios` lists the swarm (the default campaign, a scenario drawn per seed) and the
// named scenario library (scenarios/library/*.json) with each scenario's description;
// `raftsim scenarios show NAME` prints that scenario's JSON as committed, and
// `raftsim scenarios show swarm --seed N` the scenario the swarm draws for seed N.
// An unknown name exits 65 with one line naming the known scenarios.
#include <fmt/core.h>

#include <algorithm>

#include "scenarios/library.h"
#include "scenarios/swarm.h"
#include "scenarios/to_json.h"
#include "tools/command.h"

namespace raftsim::cli {
namespace {

constexpr size_t kLineWidth = 100;

// Word-wraps `text` into lines of at most `width` characters, each after `indent` spaces.
std::string wrapped(const std::string& text, size_t indent, size_t width) {
  std::string out;
  size_t column = indent;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (column > indent && column + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    }
    if (column > indent) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    start = end + 1;
  }
  return out;
}

std::string known_names() {
  std::string names;
  for (const scenarios::LibraryEntry& entry : scenarios::library_entries()) {
    names += (names.empty() ? "" : ", ") + entry.name;
  }
  return names;
}

int list_scenarios() {
  const std::vector<scenarios::LibraryEntry> entries = scenarios::library_entries();
  size_t name_width = 0;
  name_width = scenarios::kSwarmName.size();
  for (const scenarios::LibraryEntry& entry : entries) {
    name_width = std::max(name_width, entry.name.size());
  }
  fmt::print("{:<{}}  {}\n", scenarios::kSwarmName, name_width,
             wrapped("The default campaign (what fuzz and mutants --detect run when no scenario "
                     "is named): every seed draws its own scenario from wide ranges: 3, 5 or 7 "
                     "nodes, which fault kinds are on and how long they last, network, disk and "
                     "clock knobs, 1 to 16 clients. `scenarios show swarm --seed N` prints one.",
                     name_width + 2, kLineWidth));
  for (const scenarios::LibraryEntry& entry : entries) {
    fmt::print("{:<{}}  {}\n", entry.name, name_width,
               wrapped(entry.description, name_width + 2, kLineWidth));
  }
  fmt::print("\n{} library scenarios and the swarm; `raftsim scenarios show NAME` prints one.\n",
             entries.size());
  return kExitOk;
}

int show_scenario(const std::string& name, uint64_t seed) {
  if (name == scenarios::kSwarmName) {
    fmt::print("{}\n", scenarios::to_json(scenarios::draw_swarm(seed)).dump(2));
    return kExitOk;
  }
  const std::optional<std::string_view> text = scenarios::library_text(name);
  if (!text) {
    fmt::print(stderr, "raftsim: unknown scenario '{}' (known: {})\n", name, known_names());
    return kExitBadInput;
  }
  fmt::print("{}", *text);
  if (text->empty() || text->back() != '\n') fmt::print("\n");
  return kExitOk;
}

}  // namespace

void add_scenarios_command(CLI::App& app, Action& action) {
  auto name = std::make_shared<std::string>();
  auto seed = std::make_shared<uint64_t>(1);
  auto* cmd = app.add_subcommand("scenarios", "List the swarm and the named scenario library");
  auto* show = cmd->add_subcommand("show", "Print one library scenario's JSON");
  show->add_option("name", *name, "The scenario's name, or swarm")->required();
  show->add_option("--seed", *seed, "With swarm: the seed whose scenario to print")
      ->check(unsigned_integer())
      ->capture_default_str();
  cmd->callback([&action, name, seed, show] {
    action = [name, seed, show] {
      return show->parsed() ? show_scenario(*name, *seed) : list_scenarios();
    };
  });
}

}  // namespace raftsim::cli
