// sim::Task: the body of a fiber, a move-only callable taking and returning nothing.
//
// Contract. Constructed from any callable invocable as f() (a lambda, a std::function, a function
// or function pointer); calling an empty Task is a runtime assertion. A closure of up to
// kInlineBytes lives inside the Task (most fiber bodies: a few pointers and integers, a
// std::function, an RPC request's method and body); a larger one goes to the heap. std::function
// allocates for every closure past 16 bytes, and a simulation spawns a fiber for every incoming
// RPC and every replication round, so this keeps those spawns off the allocator. Hand-written:
// the standard's move_only_function is C++23, and none of our dependencies offers one.
#pragma once

#include <concepts>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include "sim/assert.h"

namespace sim {

class Task {
 public:
  static constexpr size_t kInlineBytes = 96;

  Task() = default;
  Task(std::nullptr_t) {}  // NOLINT: converts like a std::function's nullptr

  template <class F>
  requires(!std::same_as<std::decay_t<F>, Task> && std::invocable<std::decay_t<F>&>)
      Task(F&& f) {                  // NOLINT: converts implicitly, like a std::function
    using Stored = std::decay_t<F>;  // a function becomes a function pointer
    if constexpr (fits_inline<Stored>()) {
      ::new (static_cast<void*>(buffer_)) Stored(std::forward<F>(f));
      ops_ = inline_ops<Stored>();
    } else {
      heap_ = new Stored(std::forward<F>(f));
      ops_ = heap_ops<Stored>();
    }
  }

  Task(Task&& other) noexcept { take(other); }
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  Task& operator=(std::nullptr_t) {
    reset();
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  explicit operator bool() const { return ops_ != nullptr; }

  void operator()() {
    RAFTSIM_ASSERT(ops_ != nullptr);
    ops_->call(*this);
  }

 private:
  struct Ops {
    void (*call)(Task& task);
    void (*move)(Task& to, Task& from);  // from's object into to's storage; from is left empty
    void (*destroy)(Task& task);
  };

  alignas(std::max_align_t) unsigned char buffer_[kInlineBytes];
  void* heap_ = nullptr;
  const Ops* ops_ = nullptr;

  template <class Stored>
  static constexpr bool fits_inline() {
    return sizeof(Stored) <= kInlineBytes && alignof(Stored) <= alignof(std::max_align_t) &&
           std::is_nothrow_move_constructible_v<Stored>;
  }

  template <class Stored>
  Stored& inline_object() {
    return *std::launder(reinterpret_cast<Stored*>(buffer_));
  }

  // The operation tables, built inside member functions: there the class is complete, so the
  // lambdas may use its members (an in-class initializer would see an incomplete Task).
  template <class Stored>
  static const Ops* inline_ops() {
    static constexpr Ops kOps = {[](Task& task) { task.inline_object<Stored>()(); },
                                 [](Task& to, Task& from) {
                                   ::new (static_cast<void*>(to.buffer_))
                                       Stored(std::move(from.inline_object<Stored>()));
                                   from.inline_object<Stored>().~Stored();
                                 },
                                 [](Task& task) { task.inline_object<Stored>().~Stored(); }};
    return &kOps;
  }

  template <class Stored>
  static const Ops* heap_ops() {
    static constexpr Ops kOps = {
        [](Task& task) { (*static_cast<Stored*>(task.heap_))(); },
        [](Task& to, Task& from) { to.heap_ = std::exchange(from.heap_, nullptr); },
        [](Task& task) { delete static_cast<Stored*>(task.heap_); }};
    return &kOps;
  }

  void take(Task& other) {
    if (other.ops_ == nullptr) return;
    other.ops_->move(*this, other);
    ops_ = std::exchange(other.ops_, nullptr);
  }

  void reset() {
    if (ops_ == nullptr) return;
    // Cleared first: a closure's destructor may end up here again (it may own the world's
    // objects), and must then find nothing left to destroy.
    const Ops* ops = std::exchange(ops_, nullptr);
    ops->destroy(*this);
  }
};

}  // namespace sim
