// The linearizability checker: is there a total order of a history's operations that respects
// real time (an operation that returned before another was called comes first) and that the
// model's sequential specification accepts?
//
// Contract: the history is split per partition key (P-compositionality, model.h law 3) and each
// partition is searched on its own with Wing & Gong's algorithm and Lowe's memo (detail/search.h).
// The verdict is exact for `ok` and `illegal`; `unknown` means the budget in CheckOptions ran out
// and says nothing either way. Operations of unknown outcome may take effect at any time after
// their call, or never. Memory is bounded by CheckOptions::memory_bytes_max per partition and time
// by the wall-time and step budgets for the whole history.
#pragma once

#include "checkers/linearizability/history.h"
#include "checkers/linearizability/result.h"

namespace checkers::linearizability {

template <Model M>
CheckResult check(const History<M>& history, const CheckOptions& options = {});

CheckResult check(const AnyHistory& history, const CheckOptions& options = {});

// The built-in models are compiled once, in check.cpp. A new model includes
// detail/check_impl.h to instantiate check() for itself.
extern template CheckResult check(const KvHistory&, const CheckOptions&);
extern template CheckResult check(const RegisterHistory&, const CheckOptions&);

}  // namespace checkers::linearizability
