// The nemesis: draws the concrete fault timeline of one run from a scenario and a seed.
//
// Contract. draw_timeline is a pure function of (scenario, seed): the same inputs give the same
// timeline on every compiler and machine. Its draws come only from sim::Rng(seed).fork("nemesis")
// (the explicit timeline's unresolved fields from a fork of that, "explicit"), so the other
// streams of a run never shift. The timeline it returns:
//   1. holds the scenario's explicit events with their random fields resolved (groups of random
//      partitions and bridges, crash_minority's nodes), merged with the faults drawn from the
//      profile; sorted by `at` (ties keep explicit events first, then drawing order);
//   2. has every node index in the cluster and every `at` in [0, duration];
//   3. gives every drawn fault its end (an end event, or a self-timed duration) by `duration`;
//      faults of one lane (fault.h) never overlap;
//   4. ends at `duration` with heal-everything: heal, restart_all, burst_end, and disk_restore and
//      clock_drift 0 ppm for each node that a disk_slow or clock_drift touched, so the liveness
//      phase starts from a healthy cluster.
// The profile draws fault start times with exponential gaps of mean interval_mean from
// profile.start on, a kind by weight among the kinds the cluster can take, then its duration and
// fields; at most faults_max draws.
#pragma once

#include <cstdint>
#include <vector>

#include "scenarios/scenario.h"

namespace scenarios {

std::vector<FaultEvent> draw_timeline(const Scenario& scenario, uint64_t seed);

// The scenario a failure report embeds: no profile, the drawn timeline as its explicit timeline.
// draw_timeline(concrete_scenario(s, seed), any seed) == draw_timeline(s, seed).
Scenario concrete_scenario(const Scenario& scenario, uint64_t seed);

}  // namespace scenarios
