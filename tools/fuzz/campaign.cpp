#include "tools/fuzz/campaign.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "scenarios/report.h"
#include "tools/picture_recorder.h"
#include "tools/run_support.h"

namespace raftsim::cli::fuzz {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// What the workers share. Every field below `mutex` is guarded by it.
struct Shared {
  Shared(const scenarios::ScenarioSource& source_in, const std::vector<PlannedSeed>& plan_in,
         const CampaignOptions& options_in)
      : source(source_in), plan(plan_in), options(options_in), start(Clock::now()) {}

  const scenarios::ScenarioSource& source;
  const std::vector<PlannedSeed>& plan;
  const CampaignOptions& options;
  Clock::time_point start;

  std::mutex mutex;
  std::condition_variable workers_done;
  size_t next = 0;  // the next plan position to hand out
  uint64_t done = 0;
  uint64_t failures = 0;
  unsigned workers_running = 0;
  StopReason stop = StopReason::completed;
  std::string usage_error;
  bool out_dir_ready = false;
  std::vector<SeedOutcome> outcomes;  // by plan position
};

// The next plan position to run, or nullopt when the campaign is over or must stop. Checking
// the stop conditions and handing out a position under one lock keeps the seeds that ran a
// prefix of the plan.
std::optional<size_t> take_seed(Shared& shared) {
  std::lock_guard lock(shared.mutex);
  if (shared.stop != StopReason::completed) return std::nullopt;
  if (shared.next >= shared.plan.size()) return std::nullopt;
  const double budget_s = shared.options.time_budget_s;
  if (budget_s > 0 && seconds_since(shared.start) >= budget_s) {
    shared.stop = StopReason::time_budget;
    return std::nullopt;
  }
  return shared.next++;
}

// A run that cannot throw anything but a usage error (std::invalid_argument): anything else
// escaping the runner is an implementation crash of this seed, not of the campaign.
scenarios::RunResult run_guarded(const scenarios::Scenario& scenario, uint64_t seed,
                                 const scenarios::RunOptions& options) {
  try {
    return scenarios::run(scenario, seed, options);
  } catch (const std::invalid_argument&) {
    throw;
  } catch (const std::exception& error) {
    scenarios::RunResult result;
    result.status = scenarios::Status::crash;
    scenarios::FailureInfo failure;
    failure.status = scenarios::Status::crash;
    failure.property = "no exception escapes the run";
    failure.message = error.what();
    result.failure = failure;
    return result;
  }
}

// Scenario names are free text; keep file names portable.
std::string file_safe(const std::string& name) {
  std::string safe = name;
  for (char& c : safe) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.';
    if (!plain) c = '_';
  }
  return safe;
}

// Writes the seed's failure report and returns its path, or "" when it cannot be written.
std::string write_report(Shared& shared, const scenarios::Scenario& scenario, uint64_t seed,
                         const scenarios::RunResult& result) {
  const std::filesystem::path dir(shared.options.out_dir);
  {
    std::lock_guard lock(shared.mutex);
    if (!shared.out_dir_ready) {
      std::error_code error;
      std::filesystem::create_directories(dir, error);
      if (error) {
        fmt::print(stderr, "raftsim: cannot create {}: {}\n", dir.string(), error.message());
        return "";
      }
      remove_stale_partials(dir.string());
      shared.out_dir_ready = true;
    }
  }
  const std::string path =
      (dir / fmt::format("{}-seed{}.json", file_safe(shared.source.name()), seed)).string();
  const scenarios::Report report =
      scenarios::make_report(scenario, seed, shared.options.run, result, version_string());
  // Campaigns may share --out (CI shards, a mutant beside the reference): never overwrite.
  return write_new_file(
      path, [&](const std::string& name) { return scenarios::report_json(report, name); });
}

SeedOutcome run_seed(Shared& shared, const PlannedSeed& planned) {
  scenarios::RunOptions options = shared.options.run;
  options.record_trace = planned.check_determinism;
  const scenarios::Scenario scenario = shared.source.for_seed(planned.seed);
  scenarios::RunResult first = run_guarded(scenario, planned.seed, options);
  SeedOutcome outcome;
  outcome.seed = planned.seed;
  outcome.status = first.status;
  if (first.failure) {
    outcome.property = first.failure->property;
    outcome.message = first.failure->message;
  }
  outcome.checked = planned.check_determinism;
  outcome.fingerprint = first.fingerprint;
  outcome.sim_ms = first.stats.simulated.ms();
  outcome.wall_ms = first.wall_ms;
  outcome.events = first.stats.events;
  outcome.messages = first.stats.messages_sent;
  outcome.monitor_polls = first.monitor_polls;
  outcome.leaderless_polls = first.leaderless_polls;
  if (planned.check_determinism) {
    const scenarios::RunResult second =
        run_guarded(shared.source.for_seed(planned.seed), planned.seed, options);
    // A run stopped by its resource guard stops wherever the clock says: not comparable.
    const bool resource =
        first.status == scenarios::Status::resource || second.status == scenarios::Status::resource;
    if (!resource) outcome.divergence = find_divergence(first, second);
    first.trace.clear();  // the traces are large; the report does not need them
  }
  if (outcome.failed()) outcome.report_path = write_report(shared, scenario, planned.seed, first);
  if (!outcome.report_path.empty() && shared.options.pictures &&
      first.status != scenarios::Status::resource) {
    outcome.picture_path =
        write_picture_beside(outcome.report_path, scenario, planned.seed, shared.options.run,
                             picture_title(shared.source.name(), planned.seed, shared.options.run));
  }
  return outcome;
}

void finish_seed(Shared& shared, size_t position, SeedOutcome outcome) {
  std::lock_guard lock(shared.mutex);
  const bool failed = outcome.failed();
  shared.outcomes[position] = std::move(outcome);
  ++shared.done;
  if (!failed) return;
  ++shared.failures;
  const uint64_t failures_max = shared.options.failures_max;
  if (failures_max > 0 && shared.failures >= failures_max && shared.stop == StopReason::completed) {
    shared.stop = StopReason::failures_max;
  }
}

void worker(Shared& shared) {
  while (const std::optional<size_t> position = take_seed(shared)) {
    try {
      finish_seed(shared, *position, run_seed(shared, shared.plan[*position]));
    } catch (const std::invalid_argument& error) {
      std::lock_guard lock(shared.mutex);
      shared.stop = StopReason::usage_error;
      shared.usage_error = error.what();
      break;
    }
  }
  std::lock_guard lock(shared.mutex);
  --shared.workers_running;
  shared.workers_done.notify_all();
}

// Starts one more worker. A thread the system refuses (std::system_error) is not a crash: the
// campaign goes on with the workers it has, or, with none, stops as a usage error.
bool start_worker(Shared& shared, std::vector<std::thread>& pool, size_t threads) {
  try {
    pool.emplace_back(worker, std::ref(shared));
    return true;
  } catch (const std::system_error& error) {
    std::lock_guard lock(shared.mutex);
    shared.workers_running -= static_cast<unsigned>(threads - pool.size());
    if (pool.empty()) {
      shared.stop = StopReason::usage_error;
      shared.usage_error = fmt::format("cannot start a worker thread: {}", error.what());
    } else {
      fmt::print(stderr, "raftsim: started {} of {} worker threads ({}); going on with {}\n",
                 pool.size(), threads, error.what(), pool.size());
    }
    return false;
  }
}

}  // namespace

std::string SeedOutcome::kind() const {
  if (divergence) return "nondeterminism";
  return scenarios::to_string(status);
}

CampaignResult run_campaign(const scenarios::ScenarioSource& source,
                            const std::vector<PlannedSeed>& plan, const CampaignOptions& options,
                            const ProgressTick& tick) {
  Shared shared(source, plan, options);
  shared.outcomes.resize(plan.size());
  const size_t threads = std::clamp<size_t>(options.jobs, 1, std::max<size_t>(plan.size(), 1));
  shared.workers_running = static_cast<unsigned>(threads);
  std::vector<std::thread> pool;
  for (size_t i = 0; i < threads; ++i) {
    // A worker pool outside simulated code: each thread runs whole worlds, one at a time.
    if (!start_worker(shared, pool, threads)) break;
  }
  {
    std::unique_lock lock(shared.mutex);
    while (shared.workers_running > 0) {
      shared.workers_done.wait_for(lock, std::chrono::milliseconds(200));
      const Tally tally{shared.done, shared.failures, plan.size(), seconds_since(shared.start)};
      lock.unlock();
      if (tick) tick(tally);
      lock.lock();
    }
  }
  for (std::thread& thread : pool) thread.join();
  CampaignResult result;
  result.seeds_planned = plan.size();
  result.stop = shared.stop;
  result.usage_error = shared.usage_error;
  shared.outcomes.resize(shared.stop == StopReason::usage_error ? 0 : shared.next);
  result.outcomes = std::move(shared.outcomes);
  result.wall_s = seconds_since(shared.start);
  return result;
}

}  // namespace raftsim::cli::fuzz
