// Tests of sim::Task (sim/task.h): closures small and large are called, moved and destroyed exactly
// once each, move-only captures work, and a std::function converts like any callable.
#include "sim/task.h"

#include <array>
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <utility>

using sim::Task;

namespace {

// Counts the live copies of a closure, and the calls of any of them.
struct Tracker {
  int alive = 0;
  int calls = 0;
};

template <size_t Padding>
struct Counted {
  Tracker* tracker;
  std::array<char, Padding> padding{};
  explicit Counted(Tracker* t) : tracker(t) { ++tracker->alive; }
  Counted(const Counted& other) : tracker(other.tracker), padding(other.padding) {
    ++tracker->alive;
  }
  Counted(Counted&& other) noexcept : tracker(other.tracker), padding(other.padding) {
    ++tracker->alive;
  }
  ~Counted() { --tracker->alive; }
  void operator()() const { ++tracker->calls; }
};

template <size_t Padding>
void check_lifetime() {
  Tracker tracker;
  {
    Task task{Counted<Padding>(&tracker)};
    CHECK(tracker.alive == 1);
    task();
    Task moved = std::move(task);
    CHECK_FALSE(static_cast<bool>(task));  // NOLINT: a moved-from Task is empty
    CHECK(tracker.alive == 1);
    moved();
    Task assigned;
    assigned = std::move(moved);
    assigned();
    CHECK(tracker.alive == 1);
    assigned = nullptr;
    CHECK(tracker.alive == 0);
    CHECK_FALSE(static_cast<bool>(assigned));
  }
  CHECK(tracker.alive == 0);
  CHECK(tracker.calls == 3);
}

}  // namespace

TEST_CASE("task: a closure that fits inline lives and dies once", "[sim][task]") {
  check_lifetime<8>();
}

TEST_CASE("task: a closure larger than the inline room goes to the heap and lives once",
          "[sim][task]") {
  check_lifetime<Task::kInlineBytes * 2>();
}

TEST_CASE("task: move-only captures, std::function and function pointers convert", "[sim][task]") {
  int value = 0;
  auto owned = std::make_unique<int>(41);
  Task move_only([&value, p = std::move(owned)] { value = *p + 1; });
  move_only();
  CHECK(value == 42);

  std::function<void()> function = [&value] { value = 7; };
  Task from_function(function);  // copies the std::function
  from_function();
  CHECK(value == 7);
  CHECK(static_cast<bool>(function));

  static int hits = 0;
  Task from_pointer(+[] { ++hits; });
  from_pointer();
  CHECK(hits == 1);

  Task empty;
  CHECK_FALSE(static_cast<bool>(empty));
}

TEST_CASE("task: assigning over a live task destroys the old closure first", "[sim][task]") {
  Tracker first;
  Tracker second;
  Task task{Counted<8>(&first)};
  task = Task{Counted<Task::kInlineBytes * 2>(&second)};
  CHECK(first.alive == 0);
  CHECK(second.alive == 1);
  task();
  CHECK(second.calls == 1);
  CHECK(first.calls == 0);
}
