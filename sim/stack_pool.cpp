#include "sim/stack_pool.h"

#include <fmt/core.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <new>

#include "sim/assert.h"

namespace sim {
namespace {

// The calling thread's spare stacks, all of `total_size` bytes (the guard page included). Memory
// kept for speed, not simulation state: no run can tell which stack it was given.
struct ThreadStackCache {
  size_t total_size = 0;
  std::vector<void*> stacks;

  ThreadStackCache() = default;
  ThreadStackCache(const ThreadStackCache&) = delete;
  ThreadStackCache& operator=(const ThreadStackCache&) = delete;
  ~ThreadStackCache() { clear(); }

  void clear() {
    for (void* base : stacks) ::munmap(base, total_size);
    stacks.clear();
  }
};

ThreadStackCache& thread_stack_cache() {
  thread_local ThreadStackCache cache;
  return cache;
}

}  // namespace

size_t StackPool::thread_cached_count() { return thread_stack_cache().stacks.size(); }

StackPool::StackPool(size_t stack_size) {
  page_size_ = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  usable_size_ = (stack_size + page_size_ - 1) / page_size_ * page_size_;
  RAFTSIM_ASSERT(usable_size_ >= 4 * page_size_);
}

StackPool::~StackPool() {
  // Every fiber is gone by now, so every stack is free: they go to the thread's cache, which keeps
  // only one size (the latest pool's), up to its bound; the rest are unmapped.
  const size_t total = usable_size_ + page_size_;
  ThreadStackCache& cache = thread_stack_cache();
  if (cache.total_size != total && !mapped_.empty()) {
    cache.clear();
    cache.total_size = total;
  }
  for (void* base : mapped_) {
    if (cache.total_size == total && cache.stacks.size() < kThreadCachedStacksMax) {
      cache.stacks.push_back(base);
    } else {
      ::munmap(base, total);
    }
  }
}

boost::context::stack_context StackPool::acquire() {
  void* base = nullptr;
  const size_t total = usable_size_ + page_size_;
  ThreadStackCache& cache = thread_stack_cache();
  if (!free_.empty()) {
    base = free_.back();
    free_.pop_back();
  } else if (cache.total_size == total && !cache.stacks.empty()) {
    // Mapped and guarded by an earlier pool on this thread: this pool owns it from now on.
    base = cache.stacks.back();
    cache.stacks.pop_back();
    mapped_.push_back(base);
    ++reused_;
  } else {
    base = ::mmap(nullptr, total, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
      throw StackMapError(fmt::format("mmap of a {} KiB fiber stack failed ({}) after {} stacks",
                                      total / 1024, std::strerror(errno), mapped_.size()));
    }
    // The lowest page is the guard: stacks grow down into it. Protecting it splits the mapping
    // in two, which fails with ENOMEM once the process has as many mappings as Linux allows.
    if (::mprotect(base, page_size_, PROT_NONE) != 0) {
      const int reason = errno;
      ::munmap(base, total);
      throw StackMapError(
          fmt::format("mprotect of a fiber stack's guard page failed ({}) after "
                      "{} stacks",
                      std::strerror(reason), mapped_.size()));
    }
    mapped_.push_back(base);
  }
  last_guard_low_ = static_cast<const char*>(base);
  boost::context::stack_context stack;
  stack.size = usable_size_;
  stack.sp = static_cast<char*>(base) + page_size_ + usable_size_;
  return stack;
}

void StackPool::release(boost::context::stack_context& stack) {
  char* top = static_cast<char*>(stack.sp);
  free_.push_back(top - usable_size_ - page_size_);
}

RunningFiberInfo& running_fiber_info() {
  thread_local RunningFiberInfo info;
  return info;
}

namespace {

void write_text(const char* text) {
  size_t length = std::strlen(text);
  while (length > 0) {
    ssize_t n = ::write(STDERR_FILENO, text, length);
    if (n <= 0) return;
    text += n;
    length -= static_cast<size_t>(n);
  }
}

struct sigaction& previous_action() {
  static struct sigaction previous;  // the process's SIGSEGV disposition, not simulation state
  return previous;
}

void on_segv(int signal_number, siginfo_t* info, void*) {
  const RunningFiberInfo& fiber = running_fiber_info();
  const char* address = static_cast<const char*>(info->si_addr);
  if (fiber.guard_low != nullptr && address >= fiber.guard_low && address < fiber.guard_high) {
    write_text("raftsim: stack overflow in fiber '");
    write_text(fiber.fiber_name != nullptr ? fiber.fiber_name : "?");
    write_text("' on node '");
    write_text(fiber.node_name != nullptr ? fiber.node_name : "?");
    write_text("' (raise WorldOptions::stack_size or recurse less)\n");
    ::_exit(4);
  }
  // Not ours: put back whatever handled SIGSEGV before us and let the fault happen again.
  ::sigaction(signal_number, &previous_action(), nullptr);
}

}  // namespace

void install_overflow_handler() {
  // Reinstalled whenever someone else (a test framework, say) took SIGSEGV over since. Worlds on
  // several threads may get here at once: the lock keeps "previous" from ever being ourselves.
  static std::mutex install_lock;  // guards the process's signal disposition, not simulation state
  {
    std::lock_guard guard(install_lock);
    struct sigaction current;
    ::sigaction(SIGSEGV, nullptr, &current);
    if ((current.sa_flags & SA_SIGINFO) == 0 || current.sa_sigaction != on_segv) {
      struct sigaction action;
      std::memset(&action, 0, sizeof action);
      action.sa_sigaction = on_segv;
      action.sa_flags = SA_SIGINFO | SA_ONSTACK;
      sigemptyset(&action.sa_mask);
      ::sigaction(SIGSEGV, &action, &previous_action());
    }
  }
  thread_local bool has_alternate_stack = false;
  if (!has_alternate_stack) {
    // Leaked on purpose: it must stay valid until the thread ends.
    const size_t size = 64 * 1024;
    stack_t alternate;
    alternate.ss_sp = ::operator new(size);
    alternate.ss_size = size;
    alternate.ss_flags = 0;
    ::sigaltstack(&alternate, nullptr);
    has_alternate_stack = true;
  }
}

}  // namespace sim
