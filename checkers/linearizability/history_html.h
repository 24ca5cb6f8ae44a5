// The history picture: one self-contained HTML file (inline CSS and JS, nothing fetched) showing,
// per history and per partition, a lane per client with each operation as a bar from its call to
// its return, labelled with its input and output. For an illegal partition it shows the longest
// partial linearization in order, highlights the operations that could not be placed after it,
// and shows the model state after each placed operation on hover.
//
// The time axis is compressed to the order of events (porcupine does the same): every distinct
// call or return time of a partition gets one column, so concurrency is exact and readable however
// sparse the nanosecond times are. Operations of unknown outcome run to the right edge.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checkers/linearizability/history.h"
#include "checkers/linearizability/result.h"

namespace checkers::linearizability {

// `text` with &, <, >, " and ' replaced by character references: safe as HTML or XML text and
// as a quoted attribute value (the picture here, the fuzz campaign's JUnit report).
std::string escape_markup(std::string_view text);

// What the picture needs of one checked history, with operations already rendered to text.
struct PictureInput {
  struct Bar {
    int64_t client = 0;
    int64_t call_ns = 0;
    std::optional<int64_t> return_ns;
    std::string label;   // the model's describe_call
    std::string answer;  // who answered ("server 2, log index 17"), when the history says
  };
  std::string title;  // usually the file name
  std::string model;
  std::vector<Bar> operations;  // by history index
  CheckResult result;
};

// "s2, log index 17", "s2", "log index 17" or "" (history.h: who answered an operation).
std::string describe_answer(const std::optional<int64_t>& server,
                            const std::optional<int64_t>& index);

template <Model M>
PictureInput picture_input(const History<M>& history, const CheckResult& result,
                           std::string title) {
  PictureInput input{std::move(title), std::string(M::kName), {}, result};
  input.operations.reserve(history.operations.size());
  for (const auto& operation : history.operations) {
    input.operations.push_back({operation.client, operation.call_ns, operation.return_ns,
                                history.model.describe_call(operation.call),
                                describe_answer(operation.server, operation.index)});
  }
  return input;
}

PictureInput picture_input(const AnyHistory& history, const CheckResult& result, std::string title);

// The whole HTML document for one or more histories.
std::string render_history_html(const std::vector<PictureInput>& histories);

// The pieces of that document, for a page that shows histories among other things (the run
// picture): its stylesheet, the sections of `histories` (with the tooltip element they use) and
// its script, which must come after the sections.
const char* history_css();
std::string render_history_sections(const std::vector<PictureInput>& histories);
const char* history_script();

}  // namespace checkers::linearizability
