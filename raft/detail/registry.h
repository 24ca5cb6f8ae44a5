// raft::detail::Registry: the table behind raft/registry.h and raft/kv/registry.h, filled by
// registrations before main and read-only after.
//
// Contract.
// - add() keeps entries sorted by name, so what a program lists and iterates is the same in every
//   run, whatever order the linker put the registering object files in.
// - add() rejects an empty name and a name already registered with std::invalid_argument naming
//   the kind ("Raft implementation", "KV service"), the name and the descriptions of both.
// - register_or_exit() is for registration macros, which run during static initialization where
//   an exception would end in std::terminate without a word: it prints the error and exits 70
//   (EX_SOFTWARE, a program that cannot start).
// - The table is a function-local static, so a registration in another translation unit may run
//   before any other static of this one is initialized (no static initialization order problem).
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#define RAFTSIM_DETAIL_CONCAT_INNER(a, b) a##b
#define RAFTSIM_DETAIL_CONCAT(a, b) RAFTSIM_DETAIL_CONCAT_INNER(a, b)

namespace raft::detail {

template <class Entry>
class Registry {
 public:
  explicit Registry(const char* kind) : kind_(kind) {}

  void add(Entry entry) {
    if (entry.name.empty()) {
      throw std::invalid_argument(std::string("a ") + kind_ + " was registered with an empty name");
    }
    auto at =
        std::lower_bound(entries_.begin(), entries_.end(), entry.name,
                         [](const Entry& e, const std::string& name) { return e.name < name; });
    if (at != entries_.end() && at->name == entry.name) {
      // The two descriptions in sorted order: which registration ran first depends on the link.
      const auto [first, second] = std::minmax(at->description, entry.description);
      throw std::invalid_argument(std::string("two ") + kind_ + "s are registered as '" +
                                  entry.name + "' (\"" + first + "\" and \"" + second +
                                  "\"); rename one of them");
    }
    entries_.insert(at, std::move(entry));
  }

  const std::vector<Entry>& entries() const { return entries_; }

  const Entry* find(std::string_view name) const {
    for (const Entry& entry : entries_) {
      if (entry.name == name) return &entry;
    }
    return nullptr;
  }

  // "reference, skeleton": for error messages.
  std::string names() const {
    std::string list;
    for (const Entry& entry : entries_) {
      if (!list.empty()) list += ", ";
      list += entry.name;
    }
    return list;
  }

 private:
  const char* kind_;
  std::vector<Entry> entries_;  // sorted by name, names unique
};

template <class Entry, class Add>
bool register_or_exit(Add add, Entry entry) {
  try {
    add(std::move(entry));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "raftsim: cannot start: %s\n", e.what());
    std::exit(70);
  }
  return true;
}

}  // namespace raft::detail
