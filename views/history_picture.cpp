#include "views/history_picture.h"

#include "checkers/linearizability/check.h"
#include "checkers/linearizability/history_html.h"
#include "checkers/linearizability/history_json.h"

namespace views {

std::string history_html(const std::string& history_json, const std::string& title) {
  namespace lin = checkers::linearizability;
  const lin::AnyHistory history = lin::read_history_json(history_json, title);
  lin::CheckOptions options;
  options.time_budget_ms = 0;  // deterministic, as in the runner: only the step budget
  options.steps_max = uint64_t{1} << 30;
  const lin::CheckResult checked = lin::check(history, options);
  return lin::render_history_html({lin::picture_input(history, checked, title)});
}

}  // namespace views
