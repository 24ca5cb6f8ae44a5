// The history picture of a run (`--html FILE`, and history.html beside a failing KV lab test): the
// linearizability checker's self-contained HTML (checkers/linearizability/history_html.h) of a
// client history, checked again here so that an illegal history shows where it breaks.
//
// Contract. The history is raftsim-history/1 JSON (what kv::HistoryRecorder and the runner write);
// the check uses only its deterministic step budget, so the same history gives the same picture.
#pragma once

#include <string>

namespace views {

// The whole HTML document; `title` heads the picture (the scenario or test and the seed, say).
std::string history_html(const std::string& history_json, const std::string& title);

}  // namespace views
