// What a fuzz campaign reports at its end: the text summary, the --json object, JUnit XML, and
// the exit code.
//
// Contract. The exit code is 0 when every seed that ran passed, else the code of the most
// severe failure kind among them, in this order (most severe first):
//   nondeterminism (5) > crash (4) > safety (1) > linearizability (2) > liveness (3) > unknown (6)
//   > resource (7).
// A seed stopped by a resource limit (resource: its wall-time or memory guard, the fiber cap, a
// stack or allocation the system refused) is counted apart from the failures, with its message:
// the guard says nothing about the implementation, only that the run was larger than its limits;
// the fiber cap usually says the implementation spawns without bound.
// Nondeterminism comes first because it makes every other verdict of the binary untrustworthy;
// a crash next because it hides what the run would have shown; then the properties from the
// strongest (a safety violation is a bug in any execution) to the weakest (liveness needs a
// fair heal, and unknown is no verdict at all). Speed-up is simulated seconds (summed over
// seeds) per wall second of the whole campaign, so it grows with --jobs.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tools/fuzz/campaign.h"
#include "tools/fuzz/seed_plan.h"

namespace raftsim::cli::fuzz {

// The campaign's parameters, echoed in the summary.
struct CampaignInfo {
  std::string scenario;
  std::string impl;
  std::string mutant;  // "" for none
  uint64_t seed_start = 1;
  uint64_t seeds = 0;  // the whole range, before sharding
  Shard shard;
  unsigned jobs = 1;
  double determinism_fraction = 0;
  double time_budget_s = 0;
  uint64_t failures_max = 0;
  std::string out_dir;
  std::string kv = "reference";
  std::vector<std::string> ignored_properties;  // --ignore-property
};

int campaign_exit_code(const CampaignResult& result);

std::string summary_text(const CampaignInfo& info, const CampaignResult& result);
nlohmann::ordered_json summary_json(const CampaignInfo& info, const CampaignResult& result);
// One <testcase> per seed that ran, named "seed N", failures with the kind and message.
std::string junit_xml(const CampaignInfo& info, const CampaignResult& result);

}  // namespace raftsim::cli::fuzz
