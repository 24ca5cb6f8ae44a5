// `raftsim mutants`: the catalogue of deliberate bugs (raft/mutant.h), and with --detect, how fast
// the fuzzer finds each one: per mutant, seeds run until the first failure, its kind and
// property, and the wall time to detection; plus the reference over the same seed budget, which
// must not fail. A mutant that fails no run may still be detected by availability: compared seed
// by seed with the reference, it leaves the cluster without a leader more often (a signed-rank
// test, compare_availability below). With --shrink, each first failure is shrunk
// (scenarios/shrink.h) within a small budget and the table adds its size: fault events and client
// operations, before and after. With --lab, each mutant also runs the course-style lab suite once
// (`raftsim lab --mutant NAME
// --seeds 1 --json`, a child process of this same program) and the table names the lab tests that
// fail (a lab test running past 3 wall seconds counts as failed: the reference runs each in
// milliseconds): the course's suite and the fuzzer, side by side.
// `--markdown FILE` writes the catalogue with the table (docs/mutants.md).
// `--known-undetected a,b` names mutants the budget is not expected to catch (a known gap, listed
// in docs/mutants.md); they are still run and reported, but do not fail the command.
// `--only a,b` runs just the named mutants (and the reference), in catalogue order.
// Exit codes: 0 when every mutant not known undetected was detected and the reference passed, 1
// otherwise, 64 usage, 65 for a bad scenario.
#include <fmt/core.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>

#include "raft/mutant.h"
#include "scenarios/report.h"
#include "scenarios/runner.h"
#include "scenarios/shrink.h"
#include "sim/stopwatch.h"
#include "tools/command.h"
#include "tools/run_support.h"
#include "tools/signed_rank.h"

namespace raftsim::cli {
namespace {

struct MutantsArgs {
  bool detect = false;
  std::string scenario{scenarios::kSwarmName};
  uint64_t seeds = 20;
  unsigned jobs = 0;
  bool shrink = false;
  double shrink_budget_s = 60;  // wall seconds per mutant's shrink
  bool lab = false;
  std::vector<std::string> known_undetected;
  std::vector<std::string> only;  // empty: every mutant
  std::string markdown_path;
};

struct Detection {
  std::string name;  // "reference" for the clean implementation
  bool detected = false;
  uint64_t seeds_run = 0;
  uint64_t first_seed = 0;
  std::string status;
  std::string property;
  double wall_ms = 0;
  // Filled by --shrink: the first failure's size before and after shrinking.
  bool shrunk = false;
  scenarios::ShrinkSize before;
  scenarios::ShrinkSize after;
  double shrink_s = 0;  // wall seconds the shrink took
  int64_t shrink_runs = 0;
  // Filled by --lab: the lab tests that failed on their default seed, or why the lab did not run.
  bool lab_ran = false;
  int lab_tests = 0;
  std::vector<std::string> lab_failed;
  std::string lab_error;
  // Per seed run, the fraction of monitor polls without a majority-backed leader.
  std::vector<double> leaderless;
};

// A mutant that fails no run is still caught when it leaves the cluster without a leader more
// often than the reference under the very same faults (the nemesis draws the timeline from its own
// stream, so seed k brings both the same faults): a one-sided Wilcoxon signed-rank test over the
// paired seeds (tools/signed_rank.h).
constexpr double kAvailabilityAlpha = 0.001;

// The name column of the printed tables: the longest mutant name,
// follower-commit-only-with-entries.
constexpr int kNameWidth = 33;

void compare_availability(Detection& d, const Detection& reference) {
  const size_t n = std::min(d.leaderless.size(), reference.leaderless.size());
  std::vector<double> differences;
  for (size_t i = 0; i < n; ++i) differences.push_back(d.leaderless[i] - reference.leaderless[i]);
  const double p = signed_rank_p(differences);
  if (p > kAvailabilityAlpha) return;
  const auto worse = std::count_if(differences.begin(), differences.end(),
                                   [](double difference) { return difference > 0; });
  const auto differing = std::count_if(differences.begin(), differences.end(),
                                       [](double difference) { return difference != 0; });
  d.detected = true;
  d.first_seed = n;
  d.status = "availability";
  d.property = fmt::format("leaderless {} of {} seeds, p={:.1g}", worse, differing, p);
}

// Runs `raftsim lab --mutant NAME --seeds 1 --json` with this program and records which lab
// tests failed. Outside any simulation: a child process and a pipe.
void run_lab(const std::string& mutant, Detection& d) {
  std::array<char, PATH_MAX> self{};
  const ssize_t length = readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (length <= 0) {
    d.lab_error = "cannot find this program";
    return;
  }
  std::string command = fmt::format("'{}' lab --seeds 1 --jobs 1 --timeout-s 3 --json --quiet",
                                    std::string(self.data(), static_cast<size_t>(length)));
  if (!mutant.empty()) command += fmt::format(" --mutant '{}'", mutant);
  command += " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    d.lab_error = "cannot start raftsim lab";
    return;
  }
  std::string output;
  std::array<char, 4096> buffer{};
  for (size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    output.append(buffer.data(), n);
  pclose(pipe);
  const nlohmann::json json = nlohmann::json::parse(output, nullptr, false);
  if (json.is_discarded() || !json.contains("tests")) {
    d.lab_error = "raftsim lab gave no result";
    return;
  }
  d.lab_ran = true;
  for (const nlohmann::json& test : json["tests"]) {
    ++d.lab_tests;
    if (test.value("passes", 0) < test.value("runs", 0)) {
      d.lab_failed.push_back(test.value("test", std::string("?")));
    }
  }
}

std::string lab_text(const Detection& d, bool names) {
  if (!d.lab_ran) return d.lab_error.empty() ? "-" : d.lab_error;
  std::string text = fmt::format("{}/{}", d.lab_failed.size(), d.lab_tests);
  if (!names || d.lab_failed.empty()) return text;
  std::string list;
  for (const std::string& name : d.lab_failed) list += (list.empty() ? "" : ", ") + name;
  return text + ": " + list;
}

// "12 -> 3": a size before and after shrinking, or "-" when nothing was shrunk.
std::string shrunk_text(const Detection& d, size_t before, size_t after) {
  return d.shrunk ? fmt::format("{} -> {}", before, after) : "-";
}

// "3.2 (140)": the shrink's wall seconds and runs, or "-".
std::string shrink_cost_text(const Detection& d) {
  return d.shrunk ? fmt::format("{:.1f} ({})", d.shrink_s, d.shrink_runs) : "-";
}

// The goal a shrunk failure is held to: few enough fault events and operations to read, found
// within a minute.
constexpr size_t kShrunkEventsGoal = 10;
constexpr uint64_t kShrunkOperationsGoal = 50;
constexpr double kShrinkSecondsGoal = 60;

// The distribution of the shrunk sizes and costs over the mutants that were shrunk, one line
// each, or "" when none was.
std::string shrink_distribution(const std::vector<Detection>& results) {
  std::vector<double> events, operations, seconds;
  size_t all_goals = 0;
  for (const Detection& d : results) {
    if (!d.shrunk) continue;
    events.push_back(static_cast<double>(d.after.fault_events));
    operations.push_back(static_cast<double>(d.after.operations));
    seconds.push_back(d.shrink_s);
    all_goals += d.after.fault_events <= kShrunkEventsGoal &&
                 d.after.operations <= kShrunkOperationsGoal && d.shrink_s <= kShrinkSecondsGoal;
  }
  if (events.empty()) return "";
  auto line = [](const char* what, std::vector<double> values, double goal, const char* unit) {
    std::sort(values.begin(), values.end());
    const auto within =
        std::count_if(values.begin(), values.end(), [goal](double v) { return v <= goal; });
    return fmt::format(
        "{}: median {:.3g}, 90th percentile {:.3g}, max {:.3g}; {} of {} at most {:g}{}", what,
        values[values.size() / 2], values[(values.size() * 9) / 10], values.back(), within,
        values.size(), goal, unit);
  };
  return fmt::format("shrunk failures: {} of {} meet every goal\n{}\n{}\n{}\n", all_goals,
                     events.size(),
                     line("fault events after shrinking", events, kShrunkEventsGoal, ""),
                     line("operations after shrinking", operations,
                          static_cast<double>(kShrunkOperationsGoal), ""),
                     line("shrink wall time", seconds, kShrinkSecondsGoal, " s"));
}

// Shrinks the failing run of `seed` within the budget; on success records its size.
void shrink_failure(const scenarios::Scenario& scenario, uint64_t seed,
                    const scenarios::RunOptions& options, const scenarios::RunResult& result,
                    double budget_s, Detection& d) {
  const scenarios::Report report =
      scenarios::make_report(scenario, seed, options, result, version_string());
  scenarios::ShrinkOptions shrink_options;
  shrink_options.time_budget_s = budget_s;  // else what `raftsim shrink` does
  const sim::Stopwatch wall;
  const scenarios::ShrinkResult shrunk = scenarios::shrink(report, shrink_options);
  if (!shrunk.reproduced) return;
  d.shrunk = true;
  d.shrink_s = wall.milliseconds() / 1000;
  d.shrink_runs = shrunk.runs;
  d.before = shrunk.before;
  d.after = shrunk.after;
}

// Runs seeds 1..budget until the first failure; shrinks it when shrink_budget_s > 0.
Detection detect(const scenarios::ScenarioSource& source, const std::string& mutant,
                 uint64_t budget, double shrink_budget_s) {
  Detection d;
  d.name = mutant.empty() ? "reference" : mutant;
  const sim::Stopwatch wall;
  scenarios::RunOptions options;
  options.mutant = mutant;
  for (uint64_t seed = 1; seed <= budget; ++seed) {
    const scenarios::Scenario scenario = source.for_seed(seed);
    const scenarios::RunResult result = scenarios::run(scenario, seed, options);
    ++d.seeds_run;
    d.leaderless.push_back(result.monitor_polls == 0
                               ? 0.0
                               : static_cast<double>(result.leaderless_polls) /
                                     static_cast<double>(result.monitor_polls));
    if (result.status != scenarios::Status::ok) {
      d.detected = true;
      d.first_seed = seed;
      d.status = scenarios::to_string(result.status);
      d.property = result.failure ? result.failure->property : "";
      d.wall_ms = wall.milliseconds();
      if (shrink_budget_s > 0) {
        shrink_failure(scenario, seed, options, result, shrink_budget_s, d);
      }
      return d;
    }
  }
  d.wall_ms = wall.milliseconds();
  return d;
}

// Every mutant (or those in `only`, when it is not empty), then the reference, on `jobs` worker
// threads (outside any simulation: each run builds its own world). Results come back in catalogue
// order whatever the threads' timing.
std::vector<Detection> detect_all(const scenarios::ScenarioSource& source, uint64_t budget,
                                  unsigned jobs, double shrink_budget_s, bool lab,
                                  const std::set<std::string>& only) {
  std::vector<std::string> names;
  for (const raft::MutantInfo& info : raft::mutants()) {
    if (only.empty() || only.count(info.name) == 1) names.push_back(info.name);
  }
  names.push_back("");  // the reference
  std::vector<Detection> results(names.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < names.size(); i = next++) {
      results[i] = detect(source, names[i], budget, shrink_budget_s);
      if (lab) run_lab(names[i], results[i]);
    }
  };
  std::vector<std::thread> threads;  // worker pool outside simulated code
  for (unsigned j = 0; j < std::max(1u, jobs); ++j) {
    try {
      threads.emplace_back(worker);
    } catch (const std::system_error&) {
      // The system refused a thread: go on with those started (worker() then runs them all).
      if (threads.empty()) worker();
      break;
    }
  }
  for (std::thread& t : threads) t.join();
  const Detection& reference = results.back();
  for (size_t i = 0; i + 1 < results.size(); ++i) {
    if (!results[i].detected) compare_availability(results[i], reference);
  }
  return results;
}

std::string catalogue_markdown(const std::vector<Detection>& results, const MutantsArgs& args) {
  std::string md =
      "# Mutants\n\nNamed, deliberate bugs in the reference Raft and the KV service "
      "(`raft/mutant.h`), each a one-line switch at the spot where the bug lives. Run one with "
      "`raftsim run|fuzz|replay --mutant NAME`, or `RAFTSIM_MUTANT=NAME` for the lab tests.\n\n"
      "| mutant | layer | rule it breaks | paper | expected symptom |\n|---|---|---|---|---|\n";
  for (const raft::MutantInfo& info : raft::mutants()) {
    md += fmt::format("| `{}` | {} | {} | {} | {} |\n", info.name, info.layer, info.rule,
                      info.section, info.symptom);
  }
  if (results.empty()) return md;
  md += fmt::format(
      "\n## Detection\n\nGenerated by `raftsim mutants --detect --scenario {} --seeds {}{}`: "
      "seeds 1..{} are run until the first failure; wall ms is the time to detection (or to run "
      "the whole budget){}. The reference must pass the whole budget. A mutant that fails no "
      "run is compared with the reference seed by seed (seed k brings both the same faults): it "
      "is detected by availability when its runs spend more monitor polls without a "
      "majority-backed leader than the reference's, seed by seed, by so much that a one-sided "
      "Wilcoxon signed-rank test gives p <= 0.001; its row then shows the seeds compared.\n\n"
      "| mutant | detected | seeds to first failure | kind | property | wall ms | fault events "
      "| operations | shrink s (runs) | lab tests failed (default seed) |\n"
      "|---|---|---|---|---|---|---|---|---|---|\n",
      args.scenario, args.seeds,
      fmt::format("{}{}", args.shrink ? " --shrink" : "", args.lab ? " --lab" : ""), args.seeds,
      args.shrink ? fmt::format("; fault events and operations are the first failure's size "
                                "before and after `raftsim shrink` (its defaults, within {:g} "
                                "s), which took the wall seconds and runs shown; the last "
                                "column is `raftsim lab --mutant NAME --seeds 1`",
                                args.shrink_budget_s)
                  : "");
  const std::set<std::string> known(args.known_undetected.begin(), args.known_undetected.end());
  for (const Detection& d : results) {
    md += fmt::format("| `{}` | {}{} | {} | {} | {} | {:.0f} | {} | {} | {} | {} |\n", d.name,
                      d.detected ? "yes" : "no", known.count(d.name) ? " (known gap)" : "",
                      d.detected ? std::to_string(d.first_seed) : "-",
                      d.status.empty() ? "-" : d.status, d.property.empty() ? "-" : d.property,
                      d.wall_ms, shrunk_text(d, d.before.fault_events, d.after.fault_events),
                      shrunk_text(d, d.before.operations, d.after.operations), shrink_cost_text(d),
                      lab_text(d, true));
  }
  if (const std::string distribution = shrink_distribution(results); !distribution.empty()) {
    md += fmt::format(
        "\nShrinking, against its goal (at most {} fault events and {} operations, within {:g} "
        "s):\n\n",
        kShrunkEventsGoal, kShrunkOperationsGoal, kShrinkSecondsGoal);
    std::istringstream lines(distribution);
    for (std::string line; std::getline(lines, line);) md += "- " + line + "\n";
  }
  return md;
}

int run_mutants(const MutantsArgs& args) {
  if (!args.detect) {
    for (const raft::MutantInfo& info : raft::mutants()) {
      fmt::print("{:<{}} {:<4} {}\n{:<{}} expect: {}\n", info.name, kNameWidth, info.layer,
                 info.rule, "", kNameWidth + 5, info.symptom);
    }
    if (!args.markdown_path.empty() &&
        !write_file(args.markdown_path, catalogue_markdown({}, args))) {
      return kExitBadInput;
    }
    return kExitOk;
  }
  const std::optional<scenarios::ScenarioSource> source = resolve_source(args.scenario);
  if (!source) return kExitBadInput;
  for (const auto& [option, names] :
       {std::pair{"--known-undetected", &args.known_undetected}, std::pair{"--only", &args.only}}) {
    for (const std::string& name : *names) {
      if (!raft::find_mutant(name).has_value() || name.empty() || name == "none") {
        fmt::print(stderr, "raftsim mutants: unknown mutant '{}' in {}\n", name, option);
        return kExitUsage;
      }
    }
  }
  const unsigned jobs =
      args.jobs > 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
  const std::vector<Detection> results =
      detect_all(*source, args.seeds, jobs, args.shrink ? args.shrink_budget_s : 0, args.lab,
                 std::set<std::string>(args.only.begin(), args.only.end()));
  const std::set<std::string> known(args.known_undetected.begin(), args.known_undetected.end());
  bool all_good = true;
  fmt::print("{:<{}} {:<9} {:>6} {:<16} {:<24} {:>9} {:>12} {:>12} {:>14} {:>5}\n", "mutant",
             kNameWidth, "detected", "seeds", "kind", "property", "wall ms", "faults", "operations",
             "shrink s (runs)", "lab");
  for (const Detection& d : results) {
    const bool reference = d.name == "reference";
    all_good = all_good && (reference ? !d.detected : d.detected || known.count(d.name) == 1);
    fmt::print("{:<{}} {:<9} {:>6} {:<16} {:<24} {:>9.0f} {:>12} {:>12} {:>14} {:>5}\n", d.name,
               kNameWidth, d.detected ? "yes" : (known.count(d.name) ? "no(known)" : "no"),
               d.detected ? d.first_seed : d.seeds_run, d.status.empty() ? "-" : d.status,
               d.property.empty() ? "-" : d.property, d.wall_ms,
               shrunk_text(d, d.before.fault_events, d.after.fault_events),
               shrunk_text(d, d.before.operations, d.after.operations), shrink_cost_text(d),
               lab_text(d, false));
  }
  fmt::print("{}", shrink_distribution(results));
  if (!args.markdown_path.empty() &&
      !write_file(args.markdown_path, catalogue_markdown(results, args))) {
    return kExitBadInput;
  }
  return all_good ? kExitOk : kExitSafety;
}

}  // namespace

void add_mutants_command(CLI::App& app, Action& action) {
  auto args = std::make_shared<MutantsArgs>();
  auto* cmd =
      app.add_subcommand("mutants", "List the deliberate bugs; --detect measures detection");
  cmd->add_flag("--detect", args->detect, "Fuzz every mutant and the reference");
  cmd->add_option(
         "--scenario", args->scenario,
         "Scenario to fuzz with: swarm (a scenario drawn per seed), a library name or a file")
      ->capture_default_str();
  cmd->add_option("--seeds", args->seeds, "Seed budget per mutant")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1000000}))
      ->capture_default_str();
  cmd->add_option("--jobs", args->jobs,
                  "Worker threads (default: cores); at most 4 per hardware thread")
      ->check(jobs_validator());
  cmd->add_flag("--shrink", args->shrink, "Shrink each first failure and report its size");
  cmd->add_option("--shrink-budget-s", args->shrink_budget_s,
                  "Wall seconds per mutant for --shrink")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cmd->add_flag("--lab", args->lab, "Also run the lab suite once per mutant (raftsim lab)");
  cmd->add_option("--known-undetected", args->known_undetected,
                  "Mutants the budget is known not to catch (reported, not required)")
      ->delimiter(',');
  cmd->add_option("--only", args->only, "Fuzz only these mutants (default: every one)")
      ->delimiter(',');
  cmd->add_option("--markdown", args->markdown_path, "Write the catalogue (and table) here");
  cmd->callback([&action, args] { action = [args] { return run_mutants(*args); }; });
}

}  // namespace raftsim::cli
