// The call stack of a failure, for crash reports: captured where it happens (addresses only,
// cheap), symbolized when a report is written (function, and file:line where the program has
// debug information). Boost.Stacktrace with the libbacktrace backend when the build found it
// (RAFTSIM_STACKTRACE_BACKTRACE), else its basic backend (function names only).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sim {

// The calling thread's return addresses, innermost first, without the `skip` innermost frames
// (this function's own frame is never included), at most `frames_max`.
std::vector<const void*> capture_stack(size_t skip, size_t frames_max = 48);

// One line per frame, "    #N function at file:line", each ending in a newline. Frames from the
// fiber's entry outwards (sim::World::run_bodies and Boost.Context's trampolines) are left out:
// they are the same for every fiber.
std::string describe_stack(const std::vector<const void*>& frames);

// A source path as the project names it: without this checkout's directory or the "../" of a path
// seen from the build directory ("raft/reference/log.cpp").
std::string_view project_path(std::string_view path);

}  // namespace sim
