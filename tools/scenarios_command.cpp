// `raftsim scenarios` lists the named scenario library (scenarios/library/*.json) with each
// scenario's description; `raftsim scenarios show NAME` prints that scenario's JSON as committed.
// An unknown name exits 65 with one line naming the known scenarios.
#include <fmt/core.h>

#include <algorithm>

#include "scenarios/library.h"
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
  for (const scenarios::LibraryEntry& entry : entries) {
    name_width = std::max(name_width, entry.name.size());
  }
  for (const scenarios::LibraryEntry& entry : entries) {
    fmt::print("{:<{}}  {}\n", entry.name, name_width,
               wrapped(entry.description, name_width + 2, kLineWidth));
  }
  fmt::print("\n{} scenarios; `raftsim scenarios show NAME` prints one.\n", entries.size());
  return kExitOk;
}

int show_scenario(const std::string& name) {
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
  auto* cmd = app.add_subcommand("scenarios", "List the named scenario library");
  auto* show = cmd->add_subcommand("show", "Print one library scenario's JSON");
  show->add_option("name", *name, "The scenario's name")->required();
  cmd->callback([&action, name, show] {
    action = [name, show] { return show->parsed() ? show_scenario(*name) : list_scenarios(); };
  });
}

}  // namespace raftsim::cli
