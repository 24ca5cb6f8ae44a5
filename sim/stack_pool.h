// Fiber stacks: fixed-size, guard-page-protected, and pooled.
//
// Contract: a stack is mmap'ed and its lowest page mprotect'ed once, the first time the pool needs
// it; afterwards it is reused, so spawning a fiber costs a free-list pop, not a system call. A pool
// being destroyed hands its stacks to a cache on its thread (at most kThreadCachedStacksMax, of one
// size), from which the next pool on that thread takes them before it maps any: a campaign running
// seed after seed on a worker thread maps its stacks once, not once per seed, and never pays the
// munmap (and the TLB shootdown that comes with it) between seeds. Which stack a fiber gets never
// reaches the simulation, so the cache cannot change a run. When
// the system refuses either call, acquire throws StackMapError (a std::bad_alloc saying which call
// failed and why), which the world reports as a "resource" failure. A
// fiber that runs off the end of its stack touches the guard page; the SIGSEGV handler installed by
// `install_overflow_handler` recognizes that address, prints the fiber's name and node, and exits
// the process with code 4 (DESIGN.md exit codes). Any other SIGSEGV keeps its default behaviour.
#pragma once

#include <boost/context/stack_context.hpp>
#include <cstddef>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace sim {

// The system would not map a fiber stack (mmap) or protect its guard page (mprotect).
class StackMapError : public std::bad_alloc {
 public:
  explicit StackMapError(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

class StackPool {
 public:
  // `stack_size` is the usable size in bytes (rounded up to whole pages); one guard page is added.
  explicit StackPool(size_t stack_size);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  boost::context::stack_context acquire();
  void release(boost::context::stack_context& stack);

  size_t stack_size() const { return usable_size_; }
  size_t mapped_count() const { return mapped_.size(); }
  size_t free_count() const { return free_.size(); }
  // Stacks this pool took from its thread's cache instead of mapping them.
  size_t reused_count() const { return reused_; }
  // Stacks waiting in the calling thread's cache for the next pool of their size.
  static size_t thread_cached_count();
  // The guard page of the stack most recently acquired, for the overflow report.
  const char* last_guard_low() const { return last_guard_low_; }
  const char* last_guard_high() const { return last_guard_low_ + page_size_; }

 private:
  size_t page_size_;
  size_t usable_size_;
  std::vector<void*> mapped_;  // every mapping this pool made, unmapped at destruction
  std::vector<void*> free_;
  size_t reused_ = 0;
  const char* last_guard_low_ = nullptr;
};

// Stacks a thread keeps between pools: enough for a seed of a five-node cluster with its clients
// (about 75 fibers at once) with room to spare, and at most 256 KiB of address space each at the
// default size, so the cache's resident cost is bounded by what those stacks ever touched.
inline constexpr size_t kThreadCachedStacksMax = 256;

// The StackAllocator concept of Boost.Context, backed by a StackPool that outlives every fiber.
class PooledStack {
 public:
  explicit PooledStack(StackPool& pool) : pool_(&pool) {}
  boost::context::stack_context allocate() { return pool_->acquire(); }
  void deallocate(boost::context::stack_context& stack) noexcept { pool_->release(stack); }

 private:
  StackPool* pool_;
};

// What the overflow handler reports for the fiber running on this thread. The world keeps it
// current as it switches fibers; the handler only reads it.
struct RunningFiberInfo {
  const char* fiber_name = nullptr;
  const char* node_name = nullptr;
  const char* guard_low = nullptr;  // the guard page's address range
  const char* guard_high = nullptr;
};
RunningFiberInfo& running_fiber_info();

// Installs the process-wide SIGSEGV handler (once) and an alternate signal stack for the calling
// thread (once per thread). Safe to call repeatedly.
void install_overflow_handler();

}  // namespace sim
