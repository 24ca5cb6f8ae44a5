// The history picture of a run (`--html FILE`, below the run picture, and history.html beside a
// failing KV lab test): the linearizability checker's self-contained HTML
// (checkers/linearizability/history_html.h) of a client history, checked again here so that an
// illegal history shows where it breaks.
//
// Contract. The history is raftsim-history/1 JSON (what kv::HistoryRecorder and the runner write)
// or one already in memory; the check uses only its deterministic step budget, so the same history
// gives the same picture.
#pragma once

#include <string>

#include "checkers/linearizability/history.h"
#include "checkers/linearizability/history_html.h"

namespace views {

// `history` checked, ready to draw; `title` heads the picture (the scenario or test and the seed).
checkers::linearizability::PictureInput history_picture_input(
    const checkers::linearizability::AnyHistory& history, std::string title);

// The whole HTML document of a history in raftsim-history/1 JSON.
std::string history_html(const std::string& history_json, const std::string& title);

}  // namespace views
