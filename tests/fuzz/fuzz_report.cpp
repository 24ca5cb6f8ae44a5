// Fuzz driver for the failure-report reader (scenarios/report.h), which `replay` and `shrink`
// use: any input is accepted or cleanly rejected, and an accepted report written back reads as
// the same report.
#include <string>
#include <string_view>
#include <variant>

#include "scenarios/report.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto read = scenarios::read_report(text, std::string(fuzz::kSource));
  if (const auto* error = std::get_if<scenarios::ReportError>(&read)) {
    fuzz::require_clean_rejection(error->message);
    return 0;
  }
  const scenarios::Report& report = std::get<scenarios::Report>(read);
  const std::string written = scenarios::report_json(report, "fuzz-report.json");
  const auto again = scenarios::read_report(written, std::string(fuzz::kSource));
  if (const auto* error = std::get_if<scenarios::ReportError>(&again)) {
    fuzz::finding("an accepted report, written back, is rejected", error->message);
  }
  if (scenarios::report_json(std::get<scenarios::Report>(again), "fuzz-report.json") != written) {
    fuzz::finding("an accepted report reads back differently", written.substr(0, 200));
  }
  return 0;
}
