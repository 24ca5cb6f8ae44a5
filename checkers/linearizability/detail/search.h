// The Wing & Gong linearizability search over one partition, with Lowe's memo (as in porcupine's
// checkSingle, and Lowe, "Testing for linearizability", 2017).
//
// The operations' call and return events sit in one list ordered by time; at equal times calls
// come first, because intervals are closed (an operation called at the instant another returns is
// concurrent with it). Operations of unknown outcome return after every event. The candidates at a
// configuration are the calls before the first return. The search tries to linearize a candidate
// (the model accepts it and the resulting (linearized set, state) configuration is new), lifting
// its two events out of the list; when no candidate is left it has met an operation that must
// already have taken effect but has not, so it takes back the last operation it linearized and
// tries the next candidate after that one. When every completed operation is linearized the
// partition is linearizable: operations of unknown outcome that remain never took effect. When
// there is nothing left to take back it is not.
//
// Four refinements keep the search small; none changes a verdict:
//   - Candidates are tried in order of their return, earliest first (unknown outcomes last): an
//     operation usually takes effect shortly before it returns, so this order finds a linearizable
//     history's linearization with little backtracking.
//   - Read-only operations (model.h, law 5) that fit the current state are placed at once and
//     without alternatives: if the configuration has a linearization, it has one that starts with
//     such a read. So when the subtree under a forced read fails, its parent fails too.
//   - The search backs out as soon as a completed read has become unreachable (model.h, law 6):
//     neither the current state nor the state left by any reset that may still come before the
//     read can lead to it. This looks past resets, and must: a put of unknown outcome is never
//     placed if it never took effect, so its call stays in the list to the end, and a scan that
//     stopped at it would prune nothing after it. Orders of appends of unknown outcome then all
//     make distinct states, and refuting one wrong choice can take more configurations than fit
//     in memory.
//   - For a model whose writes are always legal (model.h, law 7), the memo counts every dead
//     state (no completed read still to be placed can reach it without a reset) as one, so that
//     the orders of writes nobody observed before the next reset are explored once, not once each.
//
// Budget: every step and every event a walk over the list visits is charged to the Budget as one
// unit of work, and every structure reserves its memory from a MemoryMeter before it grows, so
// a partition whose steps each walk 100,000 events stops within the wall-time and memory budgets
// as surely as one whose steps are cheap (budget.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "checkers/linearizability/detail/budget.h"
#include "checkers/linearizability/detail/hash.h"
#include "checkers/linearizability/detail/memo.h"
#include "checkers/linearizability/detail/state_table.h"
#include "checkers/linearizability/history.h"
#include "checkers/linearizability/result.h"

namespace checkers::linearizability::detail {

template <Model M>
class Search {
 public:
  // `operations` are the partition's operations; `indices` their indices in the history.
  Search(const M& model, std::vector<const Operation<M>*> operations, std::vector<uint32_t> indices,
         const CheckOptions& options, Budget& budget);

  PartitionResult run();

 private:
  struct Placed {
    uint32_t op;            // local index
    uint32_t state_before;  // state id
    bool forced;            // a read-only operation, placed without trying alternatives
  };
  struct Step {
    uint32_t op;           // local index
    uint32_t state_after;  // state id
  };
  using Snapshot = std::vector<Step>;  // a partial linearization
  static constexpr uint32_t kNone = UINT32_MAX;
  // The memo's one id for every dead state; the state table runs out of memory long before it
  // could hand out this id (or kIllegal).
  static constexpr uint32_t kDead = StateTable<M>::kIllegal - 1;
  static constexpr uint32_t kBudgetSteps = 1024;  // steps between step-budget charges
  // Bytes the per-operation arrays below hold (events, links, ranks, hashes, stack), about.
  static constexpr uint64_t kBytesPerOperation = 72;
  // Distinct states left by resets that a reachability scan looks past. It bounds the work per
  // configuration (every read past the resets is judged against each of their states); a scan
  // that reaches the bound ends without pruning, which costs search, never exactness.
  static constexpr uint32_t kResetsScanned = 8;

  // Runs the search; `steps_charged` says how many of its steps it charged to the budget.
  Verdict search(uint64_t& steps_charged);
  void link_events();
  void lift(uint32_t op);
  void unlift(uint32_t op);
  void unlink(uint32_t event);
  void relink(uint32_t event);
  bool place(uint32_t op, uint32_t state_next, bool forced, Memo::Insert& outcome);
  // The state id the memo records for the configuration that placing `op` leads to: kDead if its
  // state `state_next` is dead (law 7), else `state_next`.
  uint32_t memo_state(uint32_t op, uint32_t state_next) const;
  // Takes back the last placed operation; returns it.
  Placed take_back();
  // A read-only candidate that fits the current state, or kNone.
  uint32_t forced_read();
  // True when some completed read is out of reach from the current state (law 6).
  bool read_unreachable();
  // Law 6 over one configuration's unplaced events, fed in time order after reach_begin(), from
  // the configuration's state `state`. reach_call() takes a call and returns false when the scan
  // must end there: a reset whose successor is not known, or more than kResetsScanned distinct
  // ones. reach_lost() takes a completed read-only operation whose return is next and says
  // whether it is out of reach both of `state` and of every state the resets seen so far leave.
  void reach_begin() { reach_states_.clear(); }
  bool reach_call(uint32_t op, uint32_t state);
  bool reach_lost(uint32_t op, uint32_t state) const;
  // The candidate, not read-only, of smallest rank above `rank_after` (-1: the first), or kNone.
  uint32_t next_candidate(int64_t rank_after) const;
  void remember_if_longest();
  // The memo is full: the memory budget ran out.
  Verdict memory_ran_out() {
    budget_.exhaust(BudgetLimit::memory);
    return Verdict::unknown;
  }
  Snapshot current_snapshot() const;
  Linearization describe(const Snapshot& snapshot) const;
  std::vector<uint32_t> unplaced_after(const Snapshot& snapshot);
  bool completed(uint32_t op) const { return operations_[op]->return_ns.has_value(); }

  const M& model_;
  std::vector<const Operation<M>*> operations_;
  std::vector<uint32_t> indices_;
  const CheckOptions& options_;
  Budget& budget_;
  MemoryMeter meter_;  // declared before every structure that reserves from it
  uint32_t size_;
  uint32_t head_;                      // the list's sentinel event, 2 * size_
  std::vector<uint32_t> event_order_;  // every event, in time order
  std::vector<uint32_t> next_;         // event 2i is operation i's call, 2i + 1 its return
  std::vector<uint32_t> previous_;
  std::vector<uint64_t> zobrist_;  // per operation: the set hash is the XOR over linearized ones
  std::vector<bool> read_only_;    // per operation (model.h, law 5)
  std::vector<uint32_t> rank_;     // per operation: its position in the order candidates are tried
  std::vector<bool> reset_;        // per operation (model.h, law 6)
  std::vector<uint64_t> linearized_;    // bitset over operations
  std::vector<uint32_t> reach_states_;  // reach_*(): the state ids the resets seen so far leave
  uint64_t set_hash_ = 0;
  uint32_t state_ = 0;
  uint32_t completed_remaining_ = 0;
  std::vector<Placed> stack_;
  StateTable<M> states_;
  Memo memo_;
  std::vector<Snapshot> longest_;  // illegal: the deepest configurations found
  uint64_t longest_bytes_ = 0;     // reserved from meter_ for longest_
  uint64_t steps_ = 0;
  uint32_t placed_max_ = 0;  // the deepest stack so far
};

template <Model M>
Search<M>::Search(const M& model, std::vector<const Operation<M>*> operations,
                  std::vector<uint32_t> indices, const CheckOptions& options, Budget& budget)
    : model_(model),
      operations_(std::move(operations)),
      indices_(std::move(indices)),
      options_(options),
      budget_(budget),
      meter_(budget),
      size_(static_cast<uint32_t>(operations_.size())),
      head_(2 * size_),
      next_(2 * size_ + 1, kNone),
      previous_(2 * size_ + 1, kNone),
      zobrist_(size_),
      read_only_(size_),
      rank_(size_),
      reset_(size_),
      linearized_((size_ + 63) / 64, 0),
      states_(
          model,
          [this] {
            std::vector<const typename M::Call*> calls;
            for (const auto* operation : operations_) calls.push_back(&operation->call);
            return calls;
          }(),
          meter_),
      memo_(static_cast<uint32_t>(linearized_.size()), meter_) {
  meter_.reserve(uint64_t{size_} * kBytesPerOperation);
  stack_.reserve(size_);
  for (uint32_t op = 0; op < size_; ++op) {
    zobrist_[op] = mix64(0x6a09e667f3bcc909ULL + op);
    read_only_[op] = is_read_only(model_, operations_[op]->call);
    reset_[op] = is_reset(model_, operations_[op]->call);
    if (completed(op)) ++completed_remaining_;
  }
  link_events();
  state_ = states_.intern(model_.initial_state());
}

template <Model M>
void Search<M>::link_events() {
  // Sort key: unknown returns last, then time, then calls before returns (closed intervals), then
  // operation index so that the order is total and the search deterministic.
  auto key = [this](uint32_t event) {
    const auto& operation = *operations_[event / 2];
    const bool is_return = (event & 1) != 0;
    const bool unknown = is_return && !operation.return_ns;
    const int64_t time = is_return && !unknown ? *operation.return_ns : operation.call_ns;
    return std::tuple(unknown, time, is_return, event / 2);
  };
  std::vector<uint32_t> events(2 * size_);
  for (uint32_t event = 0; event < 2 * size_; ++event) events[event] = event;
  std::sort(events.begin(), events.end(),
            [&key](uint32_t a, uint32_t b) { return key(a) < key(b); });
  uint32_t last = head_;
  for (const uint32_t event : events) {
    next_[last] = event;
    previous_[event] = last;
    last = event;
  }
  uint32_t rank = 0;
  for (const uint32_t event : events) {
    if ((event & 1) != 0) rank_[event / 2] = rank++;  // return order, unknown outcomes last
  }
  event_order_ = std::move(events);
}

template <Model M>
void Search<M>::unlink(uint32_t event) {
  next_[previous_[event]] = next_[event];
  if (next_[event] != kNone) previous_[next_[event]] = previous_[event];
}

template <Model M>
void Search<M>::relink(uint32_t event) {
  next_[previous_[event]] = event;
  if (next_[event] != kNone) previous_[next_[event]] = event;
}

// Dancing links: unlift restores exactly what lift removed, in reverse order.
template <Model M>
void Search<M>::lift(uint32_t op) {
  unlink(2 * op);
  unlink(2 * op + 1);
}

template <Model M>
void Search<M>::unlift(uint32_t op) {
  relink(2 * op + 1);
  relink(2 * op);
}

template <Model M>
bool Search<M>::place(uint32_t op, uint32_t state_next, bool forced, Memo::Insert& outcome) {
  const uint64_t bit = uint64_t{1} << (op % 64);
  linearized_[op / 64] |= bit;
  const uint64_t set_hash = set_hash_ ^ zobrist_[op];
  const uint32_t memo_id = memo_state(op, state_next);
  outcome = memo_.insert(set_hash ^ mix64(memo_id), linearized_.data(), memo_id);
  if (outcome != Memo::Insert::inserted) {
    linearized_[op / 64] &= ~bit;
    return false;
  }
  stack_.push_back({op, state_, forced});
  placed_max_ = std::max(placed_max_, static_cast<uint32_t>(stack_.size()));
  set_hash_ = set_hash;
  state_ = state_next;
  lift(op);
  if (completed(op)) --completed_remaining_;
  return true;
}

// Two configurations with the same linearized set and dead states have the same future: until a
// reset no read can be placed (law 6), every write can (law 7) and leaves a dead state again,
// and the reset's successor does not depend on the state. The walk ends at the first read the
// state may still reach, which in a search that is going well is the next read due.
template <Model M>
uint32_t Search<M>::memo_state(uint32_t op, uint32_t state_next) const {
  if constexpr (!kJudgesReach<M> || !kWritesAlwaysLegal<M>) return state_next;
  for (uint32_t event = next_[head_]; event != kNone; event = next_[event]) {
    budget_.work();
    const uint32_t read = event / 2;
    if ((event & 1) == 0 || read == op || !read_only_[read] || !completed(read)) continue;
    if (may_become_legal(model_, states_.state(state_next), operations_[read]->call)) {
      return state_next;
    }
  }
  return kDead;
}

template <Model M>
typename Search<M>::Placed Search<M>::take_back() {
  const Placed top = stack_.back();
  stack_.pop_back();
  linearized_[top.op / 64] &= ~(uint64_t{1} << (top.op % 64));
  set_hash_ ^= zobrist_[top.op];
  state_ = top.state_before;
  unlift(top.op);
  if (completed(top.op)) ++completed_remaining_;
  return top;
}

template <Model M>
uint32_t Search<M>::forced_read() {
  for (uint32_t event = next_[head_]; event != kNone && (event & 1) == 0; event = next_[event]) {
    budget_.work();
    const uint32_t op = event / 2;
    if (read_only_[op] && states_.transition(state_, op) != StateTable<M>::kIllegal) return op;
  }
  return kNone;
}

// Walks the unplaced events in time order. A completed read must be placed before its return,
// and after the last reset placed before it, which (real time) was called before the read
// returned. So if the model says the read is out of reach without a reset both from the current
// state and from the states the unplaced resets called before its return leave, this
// configuration cannot be completed. The walk is unbounded in events on purpose: a bound cut off
// histories of many appends to one key whose only read returns far ahead, leaving the search to
// exhaust its memory (TestUnreliableOneKey4A). It is bounded in resets (kResetsScanned).
template <Model M>
bool Search<M>::read_unreachable() {
  if constexpr (!kJudgesReach<M>) return false;
  reach_begin();
  for (uint32_t event = next_[head_]; event != kNone; event = next_[event]) {
    budget_.work();
    const uint32_t op = event / 2;
    if ((event & 1) == 0) {
      if (!reach_call(op, state_)) return false;
      continue;
    }
    if (read_only_[op] && completed(op) && reach_lost(op, state_)) return true;
  }
  return false;
}

template <Model M>
bool Search<M>::reach_call(uint32_t op, uint32_t state) {
  if (!reset_[op]) return true;
  if constexpr (!kKnowsResets<M>) return false;
  // The successor of a reset does not depend on the state before it (law 6), so stepping it from
  // this configuration's state gives the state it leaves wherever it is placed. Should the model
  // reject it here, it might accept it elsewhere: end the scan rather than guess.
  const uint32_t after = states_.transition(state, op);
  if (after == StateTable<M>::kIllegal) return false;
  if (after == state) return true;
  if (std::find(reach_states_.begin(), reach_states_.end(), after) != reach_states_.end()) {
    return true;
  }
  if (reach_states_.size() == kResetsScanned) return false;
  reach_states_.push_back(after);
  return true;
}

template <Model M>
bool Search<M>::reach_lost(uint32_t op, uint32_t state) const {
  const auto& read = operations_[op]->call;
  if (may_become_legal(model_, states_.state(state), read)) return false;
  return std::none_of(reach_states_.begin(), reach_states_.end(), [&](uint32_t after) {
    return may_become_legal(model_, states_.state(after), read);
  });
}

template <Model M>
uint32_t Search<M>::next_candidate(int64_t rank_after) const {
  uint32_t best = kNone;
  for (uint32_t event = next_[head_]; event != kNone && (event & 1) == 0; event = next_[event]) {
    budget_.work();
    const uint32_t op = event / 2;
    // Read-only candidates that fit were forced already; the others cannot be placed here.
    if (read_only_[op] || rank_[op] <= rank_after) continue;
    if (best == kNone || rank_[op] < rank_[best]) best = op;
  }
  return best;
}

template <Model M>
Verdict Search<M>::search(uint64_t& steps_charged) {
  int64_t rank_after = -1;  // the rank of the candidate last tried at this configuration
  bool entered = true;      // at a configuration not yet looked at: try a forced read first
  bool back_out = false;    // this configuration has nothing left to try
  uint64_t steps_next_charge = budget_.steps_until_charge(kBudgetSteps);
  while (completed_remaining_ > 0) {
    budget_.work();
    if (++steps_ == steps_next_charge) {
      if (!budget_.charge(steps_ - steps_charged)) return Verdict::unknown;
      steps_charged = steps_;
      steps_next_charge = steps_ + budget_.steps_until_charge(kBudgetSteps);
    }
    Memo::Insert outcome = Memo::Insert::present;
    if (entered) {
      entered = false;
      const uint32_t read = forced_read();
      if (read != kNone) {
        // A read leaves the state as it is (law 5). If the memo already holds the configuration
        // after it, that subtree failed, and so does this configuration.
        if (place(read, state_, true, outcome)) {
          entered = true;
          continue;
        }
        if (outcome == Memo::Insert::full) return memory_ran_out();
        back_out = true;
      } else if (read_unreachable()) {
        back_out = true;
      }
    }
    const uint32_t op = back_out ? kNone : next_candidate(rank_after);
    if (op != kNone) {
      const uint32_t state_next = states_.transition(state_, op);
      if (state_next != StateTable<M>::kIllegal && place(op, state_next, false, outcome)) {
        rank_after = -1;
        entered = true;
        continue;
      }
      if (outcome == Memo::Insert::full) return memory_ran_out();
      rank_after = rank_[op];
      continue;
    }
    if (stack_.empty()) return Verdict::illegal;
    remember_if_longest();
    const Placed taken = take_back();
    back_out = taken.forced;  // a forced read had no alternatives: its parent fails too
    rank_after = rank_[taken.op];
  }
  return Verdict::ok;
}

// Every configuration the search pushes is popped again before it can report illegal, so looking
// at configurations when they are taken back sees the deepest ones, and a linearizable history
// (which never backtracks much) pays nothing for this bookkeeping.
template <Model M>
void Search<M>::remember_if_longest() {
  const size_t depth = stack_.size();
  const size_t depth_longest = longest_.empty() ? 0 : longest_.front().size();
  const uint64_t snapshot_bytes = depth * sizeof(Step);
  if (depth > depth_longest) {
    budget_.work(depth);
    meter_.release(longest_bytes_);
    longest_bytes_ = 0;
    longest_.clear();
    meter_.reserve(snapshot_bytes);
    longest_bytes_ += snapshot_bytes;
    longest_.push_back(current_snapshot());
  } else if (depth == depth_longest && longest_.size() < options_.longest_max) {
    budget_.work(depth);
    meter_.reserve(snapshot_bytes);
    longest_bytes_ += snapshot_bytes;
    longest_.push_back(current_snapshot());
  }
}

template <Model M>
typename Search<M>::Snapshot Search<M>::current_snapshot() const {
  Snapshot snapshot;
  snapshot.reserve(stack_.size());
  for (size_t i = 0; i < stack_.size(); ++i) {
    const uint32_t state_after = i + 1 < stack_.size() ? stack_[i + 1].state_before : state_;
    snapshot.push_back({stack_[i].op, state_after});
  }
  return snapshot;
}

template <Model M>
Linearization Search<M>::describe(const Snapshot& snapshot) const {
  Linearization linearization;
  linearization.reserve(snapshot.size());
  for (const Step& step : snapshot) {
    linearization.push_back(
        {indices_[step.op], model_.describe_state(states_.state(step.state_after))});
  }
  return linearization;
}

// The operations that cannot follow a partial linearization: those due next (called no later than
// the earliest return among the completed ones not yet placed) that the model rejects from the
// state it ends in, the one with that earliest return first; then the reads that neither that
// state nor a reset can reach (law 6), which is how the search may have abandoned it.
template <Model M>
std::vector<uint32_t> Search<M>::unplaced_after(const Snapshot& snapshot) {
  std::vector<bool> placed(size_, false);
  for (const Step& step : snapshot) placed[step.op] = true;
  const uint32_t state_id = snapshot.empty() ? 0 : snapshot.back().state_after;
  // A copy: the reachability scan may intern states, which moves the table's.
  const typename M::State state = states_.state(state_id);
  typename M::State scratch{};
  std::vector<uint32_t> unplaced;
  auto add = [&](uint32_t op) {
    if (std::find(unplaced.begin(), unplaced.end(), indices_[op]) == unplaced.end()) {
      unplaced.push_back(indices_[op]);
    }
  };
  bool before_due = true;
  bool reach_open = true;  // the reachability scan (law 6) has not ended
  reach_begin();
  for (const uint32_t event : event_order_) {
    const uint32_t op = event / 2;
    if (placed[op]) continue;
    if ((event & 1) == 0) {
      reach_open = reach_open && reach_call(op, state_id);
      if (before_due && !model_.step(state, operations_[op]->call, scratch)) add(op);
      continue;
    }
    if (!completed(op)) break;  // only unknown outcomes remain
    if (before_due) {
      before_due = false;
      const auto due = std::find(unplaced.begin(), unplaced.end(), indices_[op]);
      if (due != unplaced.end()) std::rotate(unplaced.begin(), due, due + 1);
    }
    if (reach_open && read_only_[op] && reach_lost(op, state_id)) add(op);
  }
  return unplaced;
}

template <Model M>
PartitionResult Search<M>::run() {
  PartitionResult result;
  result.operations = indices_;
  result.initial_state = model_.describe_state(states_.state(0));
  uint64_t steps_charged = 0;
  try {
    result.verdict = search(steps_charged);
  } catch (const BudgetExhausted&) {
    result.verdict = Verdict::unknown;  // the budget says which limit it was
  }
  if (result.verdict == Verdict::ok) {
    result.linearizations.push_back(describe(current_snapshot()));
  } else if (result.verdict == Verdict::illegal) {
    // Nothing could be placed at all: the longest partial linearization is the empty one.
    if (longest_.empty()) longest_.emplace_back();
    for (const Snapshot& snapshot : longest_) result.linearizations.push_back(describe(snapshot));
    result.unplaced = unplaced_after(longest_.front());
  }
  budget_.charge(steps_ - steps_charged);
  result.steps = steps_;
  result.memo_entries = memo_.size();
  result.placed_max = placed_max_;
  return result;
}

}  // namespace checkers::linearizability::detail
