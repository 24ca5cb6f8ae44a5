// Fuzz driver for the Jepsen EDN importer (checkers/linearizability/jepsen_edn.h): any input is
// accepted or cleanly rejected, and an accepted history survives the raftsim-history/1 writer
// and reader.
#include <string>
#include <string_view>

#include "checkers/linearizability/history_json.h"
#include "checkers/linearizability/jepsen_edn.h"
#include "tests/fuzz/fuzz_target.h"

namespace lin = checkers::linearizability;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  lin::AnyHistory history;
  try {
    history = lin::read_history_jepsen(text, fuzz::kSource, lin::JepsenOptions{});
  } catch (const lin::HistoryError& error) {
    fuzz::require_clean_rejection(error.what());
    return 0;
  }
  const std::string written = lin::write_history_json(history);
  try {
    lin::read_history_json(written, fuzz::kSource);
  } catch (const lin::HistoryError& error) {
    fuzz::finding("an imported history, written as JSON, is rejected", error.what());
  }
  return 0;
}
