#include "views/history_picture.h"

#include "checkers/linearizability/check.h"
#include "checkers/linearizability/history_json.h"

namespace views {

checkers::linearizability::PictureInput history_picture_input(
    const checkers::linearizability::AnyHistory& history, std::string title) {
  namespace lin = checkers::linearizability;
  lin::CheckOptions options;
  options.time_budget_ms = 0;  // deterministic, as in the runner: only the step budget
  options.steps_max = uint64_t{1} << 30;
  const lin::CheckResult checked = lin::check(history, options);
  return lin::picture_input(history, checked, std::move(title));
}

std::string history_html(const std::string& history_json, const std::string& title) {
  namespace lin = checkers::linearizability;
  const lin::AnyHistory history = lin::read_history_json(history_json, title);
  return lin::render_history_html({history_picture_input(history, title)});
}

}  // namespace views
