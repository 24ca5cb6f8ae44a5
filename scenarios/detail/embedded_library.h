// The scenario library's JSON files, embedded at build time by cmake/embed_files.cmake.
#pragma once

#include <span>
#include <string_view>

namespace scenarios::detail {

struct EmbeddedScenario {
  std::string_view name;  // the file name without ".json"
  std::string_view json;  // the file's text
};

// Sorted by name.
std::span<const EmbeddedScenario> embedded_library();

}  // namespace scenarios::detail
