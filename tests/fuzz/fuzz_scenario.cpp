// libFuzzer target for the scenario loader: no input may crash it, an accepted scenario must
// round-trip exactly through to_json, and the nemesis must draw a valid timeline from it.
//
//   cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DRAFTSIM_FUZZ=ON \
//     -DRAFTSIM_SANITIZE=ON -DRAFTSIM_UCONTEXT=ON
//   build/fuzz/tests/scenarios/fuzz_scenario_loader -max_total_time=180 CORPUS scenarios/library
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "scenarios/load.h"
#include "scenarios/nemesis.h"
#include "scenarios/to_json.h"

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
  scenarios::LoadResult result = scenarios::load_scenario(text, "fuzz.json");
  if (!result.ok()) {
    if (result.error().message.empty() || result.error().path.empty()) std::abort();
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
