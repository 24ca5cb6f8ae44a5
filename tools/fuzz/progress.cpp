#include "tools/fuzz/progress.h"

#include <fmt/core.h>

#include <cmath>
#include <string>

namespace raftsim::cli::fuzz {
namespace {

std::string eta_text(double seconds) {
  const long total_s = std::lround(seconds);
  if (total_s < 60) return fmt::format("{} s", total_s);
  if (total_s < 3600) return fmt::format("{} min {:02} s", total_s / 60, total_s % 60);
  return fmt::format("{} h {:02} min", total_s / 3600, total_s / 60 % 60);
}

std::string progress_text(const Tally& tally) {
  const double rate = tally.elapsed_s > 0 ? static_cast<double>(tally.done) / tally.elapsed_s : 0;
  const uint64_t left = tally.planned - tally.done;
  const std::string eta = rate > 0 ? eta_text(static_cast<double>(left) / rate) : "?";
  return fmt::format("fuzz: {}/{} seeds, {} failure{}, {:.1f} seeds/s, ETA {}", tally.done,
                     tally.planned, tally.failures, tally.failures == 1 ? "" : "s", rate, eta);
}

}  // namespace

void ProgressLine::update(const Tally& tally) {
  if (terminal_) {
    fmt::print(out_, "\r{}\033[K", progress_text(tally));
    std::fflush(out_);
    shown_ = true;
    return;
  }
  if (tally.elapsed_s - last_plain_s_ < plain_interval_s) return;
  last_plain_s_ = tally.elapsed_s;
  fmt::print(out_, "{}\n", progress_text(tally));
  std::fflush(out_);
}

void ProgressLine::finish() {
  if (!shown_) return;
  fmt::print(out_, "\r\033[K");
  std::fflush(out_);
  shown_ = false;
}

}  // namespace raftsim::cli::fuzz
