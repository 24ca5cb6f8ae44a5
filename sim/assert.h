// RAFTSIM_ASSERT: an assertion that is on in every build type. A failed assertion calls the
// installed handler; by default it prints the condition and location and aborts. Tests install a
// handler that throws sim::AssertionError, so that they can check an assertion fires.
#pragma once

#include <stdexcept>
#include <string>

namespace sim {

struct AssertionError : std::logic_error {
  using std::logic_error::logic_error;
};

using AssertHandler = void (*)(const char* condition, const char* file, int line);

// Replaces the handler for the calling thread and returns the previous one.
AssertHandler set_assert_handler(AssertHandler handler);

// Handler for tests: throws AssertionError naming the condition.
void throwing_assert_handler(const char* condition, const char* file, int line);

[[noreturn]] void assert_failed(const char* condition, const char* file, int line);

}  // namespace sim

#define RAFTSIM_ASSERT(cond)                           \
  do {                                                 \
    if (!(cond)) [[unlikely]]                          \
      ::sim::assert_failed(#cond, __FILE__, __LINE__); \
  } while (false)
