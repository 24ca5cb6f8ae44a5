// RAFTSIM_ASSERT: an assertion that is on in every build type. A failed assertion calls the
// installed handler; by default it prints the condition and location and aborts. Tests install a
// handler that throws sim::AssertionError, so that they can check an assertion fires.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace sim {

struct AssertionError : std::logic_error {
  using std::logic_error::logic_error;
  // Where it failed: the stack at the assertion, innermost first (sim/stack_trace.h), when the
  // handler captured it.
  std::vector<const void*> stack;
};

using AssertHandler = void (*)(const char* condition, const char* file, int line);

// Replaces the handler for the calling thread and returns the previous one.
AssertHandler set_assert_handler(AssertHandler handler);

// Throws AssertionError naming the condition, with the stack where it failed: for tests, and for
// runs that end an implementation's failed assertion as a crash report instead of an abort.
void throwing_assert_handler(const char* condition, const char* file, int line);

[[noreturn]] void assert_failed(const char* condition, const char* file, int line);

}  // namespace sim

#define RAFTSIM_ASSERT(cond)                           \
  do {                                                 \
    if (!(cond)) [[unlikely]]                          \
      ::sim::assert_failed(#cond, __FILE__, __LINE__); \
  } while (false)
