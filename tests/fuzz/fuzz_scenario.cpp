// Fuzz driver for the scenario loader (scenarios/load.h): no input may crash it, a rejection is
// clean (fuzz_target.h), an accepted scenario must round-trip exactly through to_json, and the
// nemesis must draw a valid timeline from it.
//
//   cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DRAFTSIM_FUZZ=ON
//     -DRAFTSIM_SANITIZE=ON -DRAFTSIM_UCONTEXT=ON   (one command)
//   build/fuzz/tests/fuzz/fuzz_scenario -max_total_time=180 CORPUS tests/fuzz/corpus/scenario
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "scenarios/load.h"
#include "scenarios/nemesis.h"
#include "scenarios/to_json.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

// Aborts (a finding for libFuzzer) unless `result` holds `expected`, saying why.
void require_same(const scenarios::LoadResult& result, const scenarios::Scenario& expected,
                  const char* what) {
  if (!result.ok()) {
    std::fprintf(stderr, "%s does not load: %s\n", what, result.error().message.c_str());
    std::abort();
  }
  if (!(result.scenario() == expected)) {
    std::fprintf(stderr, "%s loads as a different scenario\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  scenarios::LoadResult result = scenarios::load_scenario(text, fuzz::kSource);
  if (!result.ok()) {
    if (result.error().path.empty()) fuzz::finding("a rejection without a path", "");
    fuzz::require_clean_rejection(result.error().message);
    return 0;
  }
  const scenarios::Scenario& scenario = result.scenario();
  require_same(scenarios::load_scenario(scenarios::to_json_text(scenario), "again"), scenario,
               "to_json of an accepted scenario");
  std::vector<scenarios::FaultEvent> timeline = scenarios::draw_timeline(scenario, size);
  scenarios::Scenario concrete = scenario;
  concrete.faults.profile.reset();
  concrete.faults.timeline = timeline;
  // The drawn timeline is itself a valid explicit timeline.
  require_same(scenarios::load_scenario(scenarios::to_json_text(concrete), "drawn"), concrete,
               "the drawn timeline");
  return 0;
}
