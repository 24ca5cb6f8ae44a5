// The run picture of a CLI run (views/run_picture.h): `--html` on run and replay, and the picture
// fuzz writes beside every failure report.
//
// Contract. attach() adds a listener to the run's options (after any listener already there, so a
// live log still prints), which builds the picture as the run goes; nothing is kept of the trace.
// Listening makes the trace watched, which adds view events (never fingerprinted): the run and its
// fingerprint are the same with or without a picture. html() renders the finished run: its
// failure, and the client history checked again for the history picture below.
#pragma once

#include <memory>
#include <string>

#include "scenarios/runner.h"
#include "scenarios/scenario.h"
#include "views/run_picture.h"

namespace raftsim::cli {

class PictureRecorder {
 public:
  explicit PictureRecorder(const scenarios::Scenario& scenario);

  void attach(scenarios::RunOptions& options) const;
  // The HTML document; `title` names the run ("figure8 seed 3 mutant figure8-commit").
  std::string html(const std::string& title, const scenarios::RunResult& result) const;

 private:
  std::shared_ptr<views::RunPictureBuilder> builder_;
};

// Runs `scenario` for `seed` again with a picture listening and writes the picture beside the
// report at `report_path` (its name with .html for .json), for fuzz and shrink. Returns the
// picture's path, or "" when none was written (the error printed, or a run that threw).
std::string write_picture_beside(const std::string& report_path,
                                 const scenarios::Scenario& scenario, uint64_t seed,
                                 scenarios::RunOptions options, const std::string& title);

// "SCENARIO seed N", then the implementation, KV service and mutant when they are not the
// defaults: the title of a run's picture.
std::string picture_title(const std::string& scenario, uint64_t seed,
                          const scenarios::RunOptions& options);

}  // namespace raftsim::cli
