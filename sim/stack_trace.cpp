#include "sim/stack_trace.h"

#include <fmt/core.h>

#include <boost/stacktrace.hpp>
#include <string_view>

namespace sim {

std::vector<const void*> capture_stack(size_t skip, size_t frames_max) {
  const boost::stacktrace::stacktrace trace(skip + 1, frames_max);  // + 1: this function
  std::vector<const void*> frames;
  frames.reserve(trace.size());
  for (const boost::stacktrace::frame& frame : trace) frames.push_back(frame.address());
  return frames;
}

std::string describe_stack(const std::vector<const void*>& frames) {
  std::string text;
  size_t shown = 0;
  for (const void* address : frames) {
    // "function at file:line" where debug information has them, else "function in program". A
    // return address is the instruction after the call: the call itself is one byte before it
    // (after a call that never returns, such as a failed assertion's, the return address can be
    // past the end of the function).
    const auto call = static_cast<const void*>(static_cast<const char*>(address) - 1);
    std::string line = boost::stacktrace::to_string(boost::stacktrace::frame(call));
    // The fiber's entry: everything past it is the runtime's trampoline, the same for every fiber.
    if (line.find("sim::World::run_bodies") != std::string::npos) break;
    const size_t at = line.rfind(" at ");
    if (at != std::string::npos) {
      line =
          line.substr(0, at + 4) + std::string(project_path(std::string_view(line).substr(at + 4)));
    }
    // A template's full name can run to a thousand characters: its start says which it is, and
    // the location stays.
    constexpr size_t kNameMax = 240;
    const size_t name_end = at != std::string::npos ? at : line.size();
    if (name_end > kNameMax) line = line.substr(0, kNameMax) + "..." + line.substr(name_end);
    text += fmt::format("    #{} {}\n", shown, line);
    ++shown;
  }
  return text;
}

std::string_view project_path(std::string_view path) {
  constexpr std::string_view kSourceDir = RAFTSIM_SOURCE_DIR "/";
  if (path.substr(0, kSourceDir.size()) == kSourceDir) path.remove_prefix(kSourceDir.size());
  while (path.substr(0, 3) == "../") path.remove_prefix(3);
  return path;
}

}  // namespace sim
