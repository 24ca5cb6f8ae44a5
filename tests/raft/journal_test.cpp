// Tests of the reference Raft's journal (raft/reference/journal.h): replaying records rebuilds
// the log, term and vote, counts garbage, and rejects what is not a journal.
#include "raft/reference/journal.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace raft;
using namespace raft::reference;

namespace {

Entry entry(Term term, const std::string& command) {
  return Entry{term, Bytes(command.begin(), command.end())};
}

std::vector<Term> terms(const std::vector<Entry>& entries) {
  std::vector<Term> out;
  for (const Entry& e : entries) out.push_back(e.term);
  return out;
}

}  // namespace

TEST_CASE("journal: an empty journal is the initial state", "[raft][journal]") {
  const std::optional<journal::Replayed> replayed = journal::replay(Bytes());
  REQUIRE(replayed.has_value());
  CHECK(replayed->current_term == 0);
  CHECK(replayed->voted_for == sim::kNoNode);
  CHECK(replayed->base_index == 0);
  CHECK(replayed->entries.empty());
}

TEST_CASE("journal: appends after a truncate record replace the truncated suffix",
          "[raft][journal]") {
  sim::wire::Writer w;
  journal::put_base(w, 10, 2);
  journal::put_state(w, 3, 1);
  journal::put_entry(w, entry(2, "a"));  // 11
  journal::put_entry(w, entry(3, "b"));  // 12
  journal::put_entry(w, entry(3, "c"));  // 13
  const size_t live_so_far = w.size();
  journal::put_state(w, 4, sim::kNoNode);
  journal::put_truncate(w, 12);
  journal::put_entry(w, entry(4, "x"));  // 12 again
  journal::put_state(w, 4, 2);
  const Bytes bytes = w.take();
  std::string error;
  const std::optional<journal::Replayed> replayed = journal::replay(bytes, &error);
  REQUIRE(replayed.has_value());
  CHECK(replayed->base_index == 10);
  CHECK(replayed->base_term == 2);
  CHECK(replayed->current_term == 4);
  CHECK(replayed->voted_for == 2);
  CHECK(terms(replayed->entries) == std::vector<Term>{2, 4});
  CHECK(replayed->entries[1].command == Bytes{'x'});
  CHECK(replayed->entry_bytes.size() == 2);
  // Garbage: two superseded states, the truncate, and entries 12 and 13; live is the rest.
  CHECK(replayed->garbage_bytes > 0);
  CHECK(replayed->garbage_bytes < bytes.size());
  CHECK(bytes.size() - replayed->garbage_bytes < live_so_far);
}

TEST_CASE("journal: a truncate back to the base empties the log", "[raft][journal]") {
  sim::wire::Writer w;
  journal::put_base(w, 5, 1);
  journal::put_entry(w, entry(1, "a"));
  journal::put_truncate(w, 6);
  journal::put_entry(w, entry(2, "b"));
  const std::optional<journal::Replayed> replayed = journal::replay(w.take());
  REQUIRE(replayed.has_value());
  CHECK(terms(replayed->entries) == std::vector<Term>{2});
}

TEST_CASE("journal: replay rejects what is not a journal", "[raft][journal]") {
  std::string error;
  SECTION("no base first") {
    sim::wire::Writer w;
    journal::put_state(w, 1, 0);
    CHECK_FALSE(journal::replay(w.take(), &error).has_value());
  }
  SECTION("a second base") {
    sim::wire::Writer w;
    journal::put_base(w, 0, 0);
    journal::put_base(w, 5, 1);
    CHECK_FALSE(journal::replay(w.take(), &error).has_value());
  }
  SECTION("a truncate at or below the base") {
    sim::wire::Writer w;
    journal::put_base(w, 5, 1);
    journal::put_truncate(w, 5);
    CHECK_FALSE(journal::replay(w.take(), &error).has_value());
  }
  SECTION("a truncate past the end") {
    sim::wire::Writer w;
    journal::put_base(w, 0, 0);
    journal::put_entry(w, entry(1, "a"));
    journal::put_truncate(w, 3);
    CHECK_FALSE(journal::replay(w.take(), &error).has_value());
  }
  SECTION("a record cut short") {
    sim::wire::Writer w;
    journal::put_base(w, 0, 0);
    journal::put_entry(w, entry(1, "abc"));
    Bytes bytes = w.take();
    bytes.pop_back();
    CHECK_FALSE(journal::replay(bytes, &error).has_value());
  }
  SECTION("an unknown tag") {
    sim::wire::Writer w;
    journal::put_base(w, 0, 0);
    w.varint(99);
    CHECK_FALSE(journal::replay(w.take(), &error).has_value());
  }
  CHECK_FALSE(error.empty());
}
