#include "views/reproduce.h"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace views {

std::string shell_quote(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_./:@%+,-", c) != nullptr;
  });
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string shown_path(const std::filesystem::path& absolute) {
  std::error_code error;
  const std::filesystem::path current = std::filesystem::current_path(error);
  if (!error) {
    const std::filesystem::path relative = absolute.lexically_relative(current);
    if (!relative.empty() && *relative.begin() != "..") {
      return relative.has_parent_path() ? relative.string() : "./" + relative.string();
    }
  }
  return absolute.string();
}

namespace {

bool reference(const std::string& name) { return name.empty() || name == "reference"; }

std::string file_safe(const std::string& name) {
  std::string safe = name;
  for (char& c : safe) {
    const bool plain =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
    if (!plain) c = '_';
  }
  return safe;
}

}  // namespace

std::string lab_reproduce_command(const LabRun& run) {
  std::string command = fmt::format("RAFTSIM_SEED={} RAFTSIM_IMPL={} ", run.seed,
                                    shell_quote(run.impl.empty() ? "reference" : run.impl));
  if (!reference(run.kv)) command += "RAFTSIM_KV=" + shell_quote(run.kv) + " ";
  if (!run.mutant.empty()) command += "RAFTSIM_MUTANT=" + shell_quote(run.mutant) + " ";
  if (run.fibers_max != 0) command += fmt::format("RAFTSIM_FIBERS_MAX={} ", run.fibers_max);
  if (!run.ignored_properties.empty()) {
    command += "RAFTSIM_IGNORE_PROPERTY=" +
               shell_quote(fmt::format("{}", fmt::join(run.ignored_properties, ","))) + " ";
  }
  return command + shell_quote(run.program) + " " + shell_quote(run.test);
}

std::string lab_artifact_name(const LabRun& run) {
  std::string name = run.test;
  if (!reference(run.impl)) name += "-" + run.impl;
  if (!reference(run.kv)) name += "-kv-" + run.kv;
  if (!run.mutant.empty()) name += "-" + run.mutant;
  return file_safe(fmt::format("{}-seed{}", name, run.seed));
}

}  // namespace views
