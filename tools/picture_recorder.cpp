#include "tools/picture_recorder.h"

#include <fmt/core.h>

#include <exception>
#include <filesystem>

#include "tools/run_support.h"
#include "views/history_picture.h"

namespace raftsim::cli {

PictureRecorder::PictureRecorder(const scenarios::Scenario& scenario)
    : builder_(std::make_shared<views::RunPictureBuilder>(scenarios::node_names(scenario),
                                                          scenario.cluster.nodes)) {}

void PictureRecorder::attach(scenarios::RunOptions& options) const {
  options.trace_listener = [builder = builder_, inner = std::move(options.trace_listener)](
                               const sim::TraceEvent& event) {
    if (inner) inner(event);
    builder->add(event);
  };
}

std::string PictureRecorder::html(const std::string& title,
                                  const scenarios::RunResult& result) const {
  std::optional<views::RunFailure> failure;
  if (result.failure) {
    const scenarios::FailureInfo& f = *result.failure;
    failure =
        views::RunFailure{scenarios::to_string(f.status), f.property, f.message, f.at_ns, f.nodes};
  }
  std::optional<checkers::linearizability::PictureInput> history;
  if (!result.history.empty()) {
    history = views::history_picture_input(scenarios::checker_history(result.history), title);
  }
  const views::RunPicture picture = builder_->finish(
      title, result.stats.simulated.ns(), std::move(failure), history ? &*history : nullptr);
  return views::run_html(picture, history ? &*history : nullptr);
}

std::string write_picture_beside(const std::string& report_path,
                                 const scenarios::Scenario& scenario, uint64_t seed,
                                 scenarios::RunOptions options, const std::string& title) {
  options.record_trace = false;  // the picture listens; nothing needs the whole trace
  const PictureRecorder picture(scenario);
  picture.attach(options);
  scenarios::RunResult result;
  try {
    result = scenarios::run(scenario, seed, options);
  } catch (const std::exception&) {
    return "";  // the report already says how this run fails
  }
  std::filesystem::path path(report_path);
  path.replace_extension(".html");
  return write_file(path.string(), picture.html(title, result)) ? path.string() : "";
}

std::string picture_title(const std::string& scenario, uint64_t seed,
                          const scenarios::RunOptions& options) {
  std::string title = fmt::format("{} seed {}", scenario, seed);
  if (options.impl != "reference") title += " impl " + options.impl;
  if (options.kv != "reference") title += " kv " + options.kv;
  if (!options.mutant.empty()) title += " mutant " + options.mutant;
  return title;
}

}  // namespace raftsim::cli
