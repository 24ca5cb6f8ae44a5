#include "sim/assert.h"

#include <cstdio>
#include <cstdlib>

#include "sim/stack_trace.h"

namespace sim {
namespace {

void aborting_assert_handler(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "raftsim: assertion failed: %s (%s:%d)\n", condition, file, line);
  std::abort();
}

// Per thread, so that worlds on several threads never share it.
thread_local AssertHandler tls_handler = aborting_assert_handler;

}  // namespace

AssertHandler set_assert_handler(AssertHandler handler) {
  AssertHandler previous = tls_handler;
  tls_handler = handler;
  return previous;
}

void throwing_assert_handler(const char* condition, const char* file, int line) {
  AssertionError error(std::string("assertion failed: ") + condition + " (" +
                       std::string(project_path(file)) + ":" + std::to_string(line) + ")");
  error.stack =
      capture_stack(2);  // from the function whose assertion failed: not this, nor assert_failed
  throw error;
}

void assert_failed(const char* condition, const char* file, int line) {
  tls_handler(condition, file, line);
  std::abort();  // a handler that returns is treated like the default one
}

}  // namespace sim
