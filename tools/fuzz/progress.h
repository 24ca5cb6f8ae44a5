// The progress line of a fuzz campaign, on stderr.
//
// Contract. On a terminal the line (seeds done of planned, failures, seeds per second, ETA) is
// rewritten in place with '\r' at every update and erased by finish(), so the summary that
// follows starts on a clean line. Elsewhere (a CI log, a pipe) a plain line is printed at most
// once every `plain_interval_s` (5 s) of wall time, and nothing for a campaign shorter than that.
#pragma once

#include <cstdio>

#include "tools/fuzz/campaign.h"

namespace raftsim::cli::fuzz {

class ProgressLine {
 public:
  // `terminal`: whether `out` is a terminal (isatty).
  ProgressLine(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

  void update(const Tally& tally);
  void finish();

  static constexpr double plain_interval_s = 5.0;

 private:
  std::FILE* out_;
  bool terminal_;
  bool shown_ = false;         // a terminal line is on screen
  double last_plain_s_ = 0.0;  // elapsed time of the last plain line
};

}  // namespace raftsim::cli::fuzz
