// The swarm: the default fuzz campaign, in which every seed draws its own scenario.
//
// Contract. draw_swarm(seed) is a pure function of the seed (its draws come only from
// sim::Rng(seed).fork("swarm"), so the nemesis's and the run's own streams of that seed do not
// shift): a complete, valid Scenario named "swarm", the same data a user writes in a scenario
// file, so it is stored in a failure report, replayed and shrunk like any other. Each seed draws,
// from wide ranges and independently of each other:
//   - the cluster: 3, 5 or 7 nodes; election timing (fast, normal or slow); RPC timeouts that may
//     outlive a term; the service's time per applied command;
//   - the network: drop, duplicate and long-delay probabilities, each on or off;
//   - the disk: fast or slow fsyncs; clock drift, on or off;
//   - the workload: 1 to 16 clients, 1 to 10 keys, the op mix, think times from none (bursts of
//     concurrent Starts) to relaxed, values from short to a few hundred bytes (snapshots);
//   - the faults: every drawable fault kind switched on or off by a coin (at least one on) with
//     its own weight, the interval between faults and each lane's durations, from short churn
//     to faults that last many seconds;
//   - the run's length, and liveness bounds that follow the election timing.
// Such "swarm testing" (Groce et al., ISSTA 2012) finds bugs that a fixed mix hides: a seed with
// only crashes, or only slow disks, reaches states the even mix never builds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scenarios/scenario.h"

namespace scenarios {

inline constexpr std::string_view kSwarmName = "swarm";

Scenario draw_swarm(uint64_t seed);

// What a campaign runs: one fixed scenario for every seed, or the swarm's draw per seed.
class ScenarioSource {
 public:
  static ScenarioSource fixed(Scenario scenario);
  static ScenarioSource swarm();

  const std::string& name() const { return name_; }
  bool is_swarm() const { return !fixed_.has_value(); }
  Scenario for_seed(uint64_t seed) const;

 private:
  std::string name_;
  std::optional<Scenario> fixed_;
};

}  // namespace scenarios
