// checkers::IndexTable, the index -> value map the safety and API contract checkers keep: it
// behaves as std::map<Index, T> does (emplace keeps the first value, iteration is in index
// order) whether an index lands in its vector or, far beyond the last one, in its map.
#include "checkers/index_table.h"

#include <catch2/catch.hpp>
#include <map>
#include <utility>
#include <vector>

namespace {

using Table = checkers::IndexTable<int>;

std::vector<std::pair<raft::Index, int>> contents(const Table& table) {
  std::vector<std::pair<raft::Index, int>> out;
  table.all_of([&out](raft::Index index, int value) {
    out.emplace_back(index, value);
    return true;
  });
  return out;
}

}  // namespace

TEST_CASE("index table: emplace keeps the first value, find sees it, absent indexes are null") {
  Table table;
  CHECK(table.find(1) == nullptr);
  auto [first, inserted] = table.emplace(1, 10);
  CHECK(inserted);
  CHECK(*first == 10);
  auto [again, inserted_again] = table.emplace(1, 99);
  CHECK_FALSE(inserted_again);
  CHECK(*again == 10);
  *again = 11;  // the slot is the table's own
  CHECK(*table.find(1) == 11);
  CHECK(table.find(0) == nullptr);
  CHECK(table.find(2) == nullptr);
}

TEST_CASE("index table: far indexes, the vector growing over them, and order, as a std::map") {
  const raft::Index far = raft::Index{1} << 60;
  Table table;
  std::map<raft::Index, int> model;
  // Near and far keys, some far ones later overtaken by the vector's growth (5000, 9000).
  const std::vector<raft::Index> keys{3, far, 5000, 1, far - 1, 9000, 2, 4096, 4100, far, 0};
  int value = 0;
  for (raft::Index key : keys) {
    ++value;
    const auto [slot, inserted] = table.emplace(key, value);
    const auto [it, model_inserted] = model.emplace(key, value);
    CHECK(inserted == model_inserted);
    CHECK(*slot == it->second);
  }
  for (raft::Index i = 1; i <= 10000; ++i) {  // a run of appends overtakes 4096, 4100, 5000, 9000
    table.emplace(i, 0);
    model.emplace(i, 0);
  }
  for (raft::Index key : keys) {
    REQUIRE(table.find(key) != nullptr);
    CHECK(*table.find(key) == model.at(key));
  }
  CHECK(table.find(far + 1) == nullptr);
  CHECK(table.find(10001) == nullptr);
  const std::vector<std::pair<raft::Index, int>> expected(model.begin(), model.end());
  CHECK(contents(table) == expected);
}

TEST_CASE("index table: all_of stops at the first value its function refuses") {
  Table table;
  for (raft::Index i : {raft::Index{5}, raft::Index{1}, raft::Index{1} << 50, raft::Index{3}}) {
    table.emplace(i, static_cast<int>(i % 100));
  }
  std::vector<raft::Index> seen;
  const bool all = table.all_of([&seen](raft::Index index, int) {
    seen.push_back(index);
    return index < 3;
  });
  CHECK_FALSE(all);
  CHECK(seen == std::vector<raft::Index>{1, 3});
  seen.clear();
  CHECK(table.all_of([&seen](raft::Index index, int) {
    seen.push_back(index);
    return true;
  }));
  CHECK(seen == std::vector<raft::Index>{1, 3, 5, raft::Index{1} << 50});
}
