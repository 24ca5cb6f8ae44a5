// The history picture of a run (`--html FILE`): the linearizability checker's self-contained HTML
// (checkers/linearizability/history_html.h) of the run's client history, checked again here so
// that an illegal history shows where it breaks.
#pragma once

#include <string>

#include "scenarios/runner.h"

namespace raftsim::cli {

// The whole HTML document; `title` heads the picture (the scenario and seed, say).
std::string run_history_html(const scenarios::RunResult& result, const std::string& title);

}  // namespace raftsim::cli
