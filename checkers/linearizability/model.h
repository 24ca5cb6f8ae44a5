// The sequential specification the linearizability checker tests a history against.
//
// Contract: a model is a deterministic state machine. The checker only ever calls the members
// below, and relies on these laws:
//   1. `step(state, call, next)` is a pure function of `state` and `call`: it returns true and
//      writes the successor into `next` when `call` (its input, and its output when known) is legal
//      from `state`; it returns false and leaves `next` unspecified otherwise.
//   2. `a == b` implies `hash(a) == hash(b)`. The memo relies on equality, never on the hash alone.
//   3. Calls whose `partition_key` differ touch disjoint state (P-compositionality, Herlihy & Wing
//      §3.2), so the checker may check each key's sub-history on its own, each from
//      `initial_state()`. A model with one shared state returns the same key for every call.
//   4. A call whose output is unknown (`Call::output` empty) must be steppable from any state in
//      which it could have executed; it is never rejected for what it returned.
//   5. Optional: `model.is_read_only(call)` may return true only for a call that leaves every
//      state it is legal in unchanged (a read; a cas that reported failure). The checker then
//      places such a call as soon as it fits, without trying alternatives (moving a read-only
//      call earlier, to a point where it is legal and due, cannot break a linearization), and it
//      drops read-only calls of unknown outcome altogether. A model without it is still checked
//      exactly, only with more search.
//   6. Optional: `model.is_reset(call)` says a call's successor state does not depend on the
//      state before it (a put); `model.may_become_legal(state, read)` may return false only if no
//      sequence of steps without resets can take `state` to one where the read-only `read` is
//      legal (kv: appends only extend a value, so a get of "ab" is out of reach from "abc"). The
//      checker then abandons a configuration as soon as a due read has become unreachable,
//      instead of exploring every order of the operations that come before the read's return.
//      A reset does not end that reasoning: the state it leaves is known without running what
//      precedes it, so a read that neither the current state nor any reset called before the
//      read's return can lead to is unreachable too (kv: a pending put of "x" cannot explain a
//      get of "ab"). Without `is_reset`, every call counts as a reset of unknown outcome.
//   7. Optional, with law 6: `static constexpr bool kWritesAlwaysLegal = true;` says every call
//      that is not read-only is legal in every state: only reads can reject a state. A state from
//      which no completed read still to be placed can be reached without a reset is then dead:
//      no read can follow it before a reset, every other call is legal from it, and the next
//      reset forgets it, so all dead states have the same future. The checker's memo counts them
//      as one state, and the orders in which unobserved writes (appends that the next put
//      overwrites, appends of unknown outcome that never took effect) could be placed, which make
//      as many distinct and equally useless states, collapse into one configuration.
//   8. Optional, with laws 6 and 7: `model.may_reveal(read, write)` may return false only if the
//      read-only `read` is illegal in every state that `write` leaves and in every state that
//      steps without resets take on from there (kv: a get whose output does not contain an
//      appended value cannot follow the append before the next put). A write of unknown outcome
//      that no completed read can reveal may as well never have taken effect: wherever a
//      linearization places it, no read comes between it and the next reset, every write there is
//      legal without it (law 7), and the reset forgets it. The checker leaves such writes out, as
//      it does reads of unknown outcome, instead of trying every subset of them.
//
// Adding a model: write a struct with a `State` (copyable, equality-comparable), a `Call` (input
// plus optional output), and the six members the concept lists; add its JSON codec to
// history_json.cpp and its name to AnyHistory (history.h). See kv_model.h for a small example.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

namespace checkers::linearizability {

template <typename M>
concept Model = requires(const M& model, const typename M::State& state, typename M::State& next,
                         const typename M::Call& call) {
  // The model's name in history files ("kv", "register").
  { M::kName } -> std::convertible_to<std::string_view>;
  // The state before any operation.
  { model.initial_state() } -> std::same_as<typename M::State>;
  // Law 1.
  { model.step(state, call, next) } -> std::same_as<bool>;
  // Law 2.
  { model.hash(state) } -> std::same_as<uint64_t>;
  { state == state } -> std::convertible_to<bool>;
  // Law 3.
  { model.partition_key(call) } -> std::convertible_to<std::string_view>;
  // Human-readable renderings for reports and the history picture.
  { model.describe_state(state) } -> std::same_as<std::string>;
  { model.describe_call(call) } -> std::same_as<std::string>;
};

// Laws 5 and 6, for models that opt in.
template <Model M>
bool is_read_only(const M& model, const typename M::Call& call) {
  if constexpr (requires {
                  { model.is_read_only(call) } -> std::same_as<bool>;
                }) {
    return model.is_read_only(call);
  } else {
    return false;
  }
}

// Whether the model says which calls reset the state (law 6); if not, is_reset() is true for
// every call and the state a "reset" leaves must not be taken as independent of the state before.
template <Model M>
inline constexpr bool kKnowsResets = requires(const M& model, const typename M::Call& call) {
  { model.is_reset(call) } -> std::same_as<bool>;
};

template <Model M>
bool is_reset(const M& model, const typename M::Call& call) {
  if constexpr (kKnowsResets<M>) {
    return model.is_reset(call);
  } else {
    return true;  // without the hook, assume any call may reset: never prune
  }
}

// Whether the model can say that a read is out of reach (law 6); if not, the checker never asks.
template <Model M>
inline constexpr bool kJudgesReach = requires(const M& model, const typename M::State& state,
                                              const typename M::Call& read) {
  { model.may_become_legal(state, read) } -> std::same_as<bool>;
};

// Law 7, for models that opt in.
template <Model M>
inline constexpr bool kWritesAlwaysLegal = [] {
  if constexpr (requires { M::kWritesAlwaysLegal; }) {
    return bool{M::kWritesAlwaysLegal};
  } else {
    return false;
  }
}();

template <Model M>
bool may_become_legal(const M& model, const typename M::State& state,
                      const typename M::Call& read) {
  if constexpr (kJudgesReach<M>) {
    return model.may_become_legal(state, read);
  } else {
    return true;
  }
}

// Law 8, for models that opt in; it needs laws 6 and 7 as well.
template <Model M>
inline constexpr bool kJudgesReveal = [] {
  if constexpr (requires(const M& model, const typename M::Call& call) {
                  { model.may_reveal(call, call) } -> std::same_as<bool>;
                }) {
    return kKnowsResets<M> && kWritesAlwaysLegal<M>;
  } else {
    return false;
  }
}();

template <Model M>
bool may_reveal(const M& model, const typename M::Call& read, const typename M::Call& write) {
  if constexpr (kJudgesReveal<M>) {
    return model.may_reveal(read, write);
  } else {
    return true;
  }
}

}  // namespace checkers::linearizability
