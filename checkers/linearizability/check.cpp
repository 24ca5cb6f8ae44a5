#include "checkers/linearizability/check.h"

#include <variant>

#include "checkers/linearizability/detail/check_impl.h"

namespace checkers::linearizability {

template CheckResult check(const KvHistory&, const CheckOptions&);
template CheckResult check(const RegisterHistory&, const CheckOptions&);

CheckResult check(const AnyHistory& history, const CheckOptions& options) {
  return std::visit([&options](const auto& typed) { return check(typed, options); }, history);
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::ok:
      return "ok";
    case Verdict::illegal:
      return "illegal";
    case Verdict::unknown:
      return "unknown";
  }
  return "?";
}

std::string_view to_string(BudgetLimit limit) {
  switch (limit) {
    case BudgetLimit::none:
      return "none";
    case BudgetLimit::time:
      return "time";
    case BudgetLimit::memory:
      return "memory";
    case BudgetLimit::steps:
      return "steps";
  }
  return "?";
}

}  // namespace checkers::linearizability
