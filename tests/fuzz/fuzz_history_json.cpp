// Fuzz driver for the raftsim-history/1 reader (checkers/linearizability/history_json.h): any
// input is accepted or cleanly rejected, and an accepted history written back reads the same.
#include <string>
#include <string_view>

#include "checkers/linearizability/history_json.h"
#include "tests/fuzz/fuzz_target.h"

namespace lin = checkers::linearizability;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  lin::AnyHistory history;
  try {
    history = lin::read_history_json(text, fuzz::kSource);
  } catch (const lin::HistoryError& error) {
    fuzz::require_clean_rejection(error.what());
    return 0;
  }
  const std::string written = lin::write_history_json(history);
  try {
    if (lin::write_history_json(lin::read_history_json(written, fuzz::kSource)) != written) {
      fuzz::finding("an accepted history reads back differently", written.substr(0, 200));
    }
  } catch (const lin::HistoryError& error) {
    fuzz::finding("an accepted history, written back, is rejected", error.what());
  }
  return 0;
}
