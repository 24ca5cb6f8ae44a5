// Unit tests of the fuzz command's pieces that an end-to-end run cannot reach on a correct
// build: the severity order of failure kinds (several kinds in one campaign), and naming the first
// divergent event of two runs that should have been identical.
#include <catch2/catch.hpp>

#include "tools/exit_codes.h"
#include "tools/fuzz/divergence.h"
#include "tools/fuzz/summary.h"

namespace {

using raftsim::cli::fuzz::CampaignResult;
using raftsim::cli::fuzz::Divergence;
using raftsim::cli::fuzz::SeedOutcome;
using scenarios::Status;

SeedOutcome outcome(uint64_t seed, Status status, bool diverged = false) {
  SeedOutcome o;
  o.seed = seed;
  o.status = status;
  if (diverged) o.divergence = Divergence{};
  return o;
}

int exit_code_of(std::vector<SeedOutcome> outcomes) {
  CampaignResult result;
  result.outcomes = std::move(outcomes);
  return raftsim::cli::fuzz::campaign_exit_code(result);
}

sim::TraceEvent event(int64_t at_ms, std::string text) {
  sim::TraceEvent e;
  e.at = sim::Instant::from_ns(at_ms * 1000000);
  e.kind = sim::TraceKind::note;
  e.text = std::move(text);
  return e;
}

}  // namespace

TEST_CASE("fuzz severity: the most severe failure kind decides the exit code", "[fuzz]") {
  using namespace raftsim::cli;
  CHECK(exit_code_of({outcome(1, Status::ok), outcome(2, Status::ok)}) == kExitOk);
  CHECK(exit_code_of({outcome(1, Status::unknown), outcome(2, Status::liveness)}) == kExitLiveness);
  CHECK(exit_code_of({outcome(1, Status::liveness), outcome(2, Status::linearizability)}) ==
        kExitLinearizability);
  CHECK(exit_code_of({outcome(1, Status::linearizability), outcome(2, Status::safety)}) ==
        kExitSafety);
  CHECK(exit_code_of({outcome(1, Status::safety), outcome(2, Status::crash)}) == kExitCrash);
  CHECK(exit_code_of({outcome(1, Status::crash), outcome(2, Status::ok, true)}) ==
        kExitNondeterminism);
  CHECK(exit_code_of({outcome(1, Status::unknown)}) == kExitUnknown);
}

TEST_CASE("fuzz divergence: names the first event where two runs differ", "[fuzz]") {
  scenarios::RunResult first;
  scenarios::RunResult second;
  first.fingerprint = 1;
  second.fingerprint = 2;
  first.trace = {event(1, "a"), event(2, "b"), event(3, "c")};
  second.trace = {event(1, "a"), event(2, "B"), event(3, "c")};
  const std::optional<Divergence> d = raftsim::cli::fuzz::find_divergence(first, second);
  REQUIRE(d);
  CHECK(d->index == 1);
  REQUIRE(d->event_first);
  REQUIRE(d->event_second);
  CHECK(d->event_first->text == "b");
  CHECK(d->event_second->text == "B");
  const std::string text = raftsim::cli::fuzz::divergence_text(*d);
  CHECK_THAT(text, Catch::StartsWith("first divergence at event 1: run 1 {"));
  CHECK(raftsim::cli::fuzz::divergence_json(*d)["second"]["text"] == "B");

  second.trace.pop_back();
  second.trace[1] = event(2, "b");
  const std::optional<Divergence> shorter = raftsim::cli::fuzz::find_divergence(first, second);
  REQUIRE(shorter);
  CHECK(shorter->index == 2);
  CHECK(shorter->event_first);
  CHECK_FALSE(shorter->event_second);

  second.fingerprint = 1;
  CHECK_FALSE(raftsim::cli::fuzz::find_divergence(first, second));
}
