#include "tools/fuzz/summary.h"

#include <fmt/core.h>

#include <array>
#include <map>

#include "checkers/linearizability/history_html.h"
#include "tools/exit_codes.h"

namespace raftsim::cli::fuzz {
namespace {

// Exit codes, most severe first (see the contract in summary.h).
constexpr std::array<int, 7> kSeverityOrder = {kExitNondeterminism,  kExitCrash,    kExitSafety,
                                               kExitLinearizability, kExitLiveness, kExitUnknown,
                                               kExitResource};

int outcome_exit_code(const SeedOutcome& outcome) {
  if (outcome.divergence) return kExitNondeterminism;
  return scenarios::exit_code(outcome.status);
}

size_t severity_rank(int exit_code) {
  for (size_t rank = 0; rank < kSeverityOrder.size(); ++rank) {
    if (kSeverityOrder[rank] == exit_code) return rank;
  }
  return kSeverityOrder.size();
}

struct Totals {
  uint64_t failed = 0;
  uint64_t resource = 0;  // stopped by a resource limit (guard, fiber cap): not failures
  uint64_t checked = 0;
  uint64_t mismatches = 0;
  double sim_s = 0;
  uint64_t monitor_polls = 0;
  uint64_t leaderless_polls = 0;
  std::map<std::string, uint64_t> by_kind;  // sorted by name, so output is stable
};

Totals totals_of(const CampaignResult& result) {
  Totals totals;
  for (const SeedOutcome& outcome : result.outcomes) {
    totals.sim_s += static_cast<double>(outcome.sim_ms) / 1000.0;
    totals.monitor_polls += outcome.monitor_polls;
    totals.leaderless_polls += outcome.leaderless_polls;
    if (outcome.checked) ++totals.checked;
    if (outcome.divergence) ++totals.mismatches;
    if (!outcome.failed()) continue;
    if (outcome.kind() == "resource") {
      ++totals.resource;
      continue;
    }
    ++totals.failed;
    ++totals.by_kind[outcome.kind()];
  }
  return totals;
}

const char* stop_name(StopReason stop) {
  switch (stop) {
    case StopReason::completed:
      return "completed";
    case StopReason::failures_max:
      return "max_failures";
    case StopReason::time_budget:
      return "time_budget";
    case StopReason::usage_error:
      return "usage_error";
  }
  return "completed";
}

double per_second(double amount, double wall_s) { return wall_s > 0 ? amount / wall_s : 0; }

std::string failure_line(const SeedOutcome& outcome) {
  std::string line = fmt::format("    seed {} {}", outcome.seed, outcome.kind());
  if (!outcome.property.empty()) line += fmt::format(" ({})", outcome.property);
  if (outcome.divergence) line += ": " + divergence_text(*outcome.divergence);
  if (outcome.kind() == "resource") line += ": " + outcome.message;
  if (!outcome.report_path.empty()) line += ": raftsim replay " + outcome.report_path;
  if (!outcome.picture_path.empty()) line += " (picture: " + outcome.picture_path + ")";
  return line + "\n";
}

std::string stop_text(const CampaignInfo& info, const CampaignResult& result) {
  switch (result.stop) {
    case StopReason::failures_max:
      return fmt::format(
          "  stopped early: {} failures reached (--max-failures), {} of {} seeds ran\n",
          info.failures_max, result.outcomes.size(), result.seeds_planned);
    case StopReason::time_budget:
      return fmt::format("  stopped early: time budget of {} s spent, {} of {} seeds ran\n",
                         info.time_budget_s, result.outcomes.size(), result.seeds_planned);
    default:
      return "";
  }
}

}  // namespace

int campaign_exit_code(const CampaignResult& result) {
  int worst = kExitOk;
  for (const SeedOutcome& outcome : result.outcomes) {
    if (!outcome.failed()) continue;
    const int code = outcome_exit_code(outcome);
    if (worst == kExitOk || severity_rank(code) < severity_rank(worst)) worst = code;
  }
  return worst;
}

std::string summary_text(const CampaignInfo& info, const CampaignResult& result) {
  const Totals totals = totals_of(result);
  const uint64_t ran = result.outcomes.size();
  std::string text = fmt::format(
      "fuzz {}: seeds {}..{} shard {}/{} ({} seeds), impl {}{}{}, {} job{}\n", info.scenario,
      info.seed_start, info.seed_start + info.seeds - 1, info.shard.index, info.shard.count,
      result.seeds_planned, info.impl, info.kv == "reference" ? "" : " kv " + info.kv,
      info.mutant.empty() ? "" : " mutant " + info.mutant, info.jobs, info.jobs == 1 ? "" : "s");
  for (const std::string& property : info.ignored_properties) {
    text += fmt::format("  ignoring violations of {} (--ignore-property)\n", property);
  }
  std::string kinds;
  for (const auto& [kind, count] : totals.by_kind) {
    kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", kind, count);
  }
  text +=
      fmt::format("  seeds run {}: {} ok, {} failed{}", ran, ran - totals.failed - totals.resource,
                  totals.failed, kinds.empty() ? "" : " (" + kinds + ")");
  if (totals.resource > 0) {
    text += fmt::format(
        ", {} stopped by a resource limit (--seed-timeout-s, --seed-memory-mb, --fibers-max)",
        totals.resource);
  }
  text += "\n";
  if (info.determinism_fraction > 0) {
    text += fmt::format("  determinism: {} seeds run twice, {}\n", totals.checked,
                        totals.mismatches == 0 ? std::string("fingerprints identical")
                                               : fmt::format("{} MISMATCHED", totals.mismatches));
  }
  text += fmt::format(
      "  simulated {:.1f} s in {:.2f} s wall: speed-up {:.0f}x, {:.0f} seeds per minute\n",
      totals.sim_s, result.wall_s, per_second(totals.sim_s, result.wall_s),
      per_second(static_cast<double>(ran), result.wall_s) * 60);
  if (totals.monitor_polls > 0) {
    text += fmt::format(
        "  availability: no leader backed by a majority in {:.1f}% of {} monitor polls\n",
        100.0 * static_cast<double>(totals.leaderless_polls) /
            static_cast<double>(totals.monitor_polls),
        totals.monitor_polls);
  }
  text += stop_text(info, result);
  if (totals.failed + totals.resource == 0) return text;
  text += fmt::format("  failures and resource limits (reports in {}):\n", info.out_dir);
  constexpr uint64_t kLinesMax = 20;
  uint64_t shown = 0;
  for (const SeedOutcome& outcome : result.outcomes) {
    if (!outcome.failed()) continue;
    if (shown++ == kLinesMax) {
      text += fmt::format("    ... and {} more (see --json)\n",
                          totals.failed + totals.resource - kLinesMax);
      break;
    }
    text += failure_line(outcome);
  }
  return text;
}

nlohmann::ordered_json summary_json(const CampaignInfo& info, const CampaignResult& result) {
  const Totals totals = totals_of(result);
  const auto ran = static_cast<double>(result.outcomes.size());
  nlohmann::ordered_json j;
  j["scenario"] = info.scenario;
  j["impl"] = info.impl;
  j["kv"] = info.kv;
  j["mutant"] =
      info.mutant.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(info.mutant);
  j["ignored_properties"] = info.ignored_properties;
  j["seed_start"] = info.seed_start;
  j["seeds"] = info.seeds;
  j["shard"] = fmt::format("{}/{}", info.shard.index, info.shard.count);
  j["jobs"] = info.jobs;
  j["seeds_planned"] = result.seeds_planned;
  j["seeds_run"] = result.outcomes.size();
  j["ok"] = result.outcomes.size() - totals.failed - totals.resource;
  j["resource_limited"] = totals.resource;
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
  for (const SeedOutcome& outcome : result.outcomes) {
    if (!outcome.failed()) continue;
    nlohmann::ordered_json f;
    f["seed"] = outcome.seed;
    f["status"] = outcome.kind();
    f["run_status"] = scenarios::to_string(outcome.status);
    f["property"] = outcome.property;
    f["message"] = outcome.message;
    f["report"] = outcome.report_path.empty() ? nlohmann::ordered_json(nullptr)
                                              : nlohmann::ordered_json(outcome.report_path);
    f["picture"] = outcome.picture_path.empty() ? nlohmann::ordered_json(nullptr)
                                                : nlohmann::ordered_json(outcome.picture_path);
    if (outcome.divergence) f["divergence"] = divergence_json(*outcome.divergence);
    failures.push_back(std::move(f));
  }
  j["failures"] = std::move(failures);
  j["failures_by_kind"] = totals.by_kind;
  j["determinism"] = {{"fraction", info.determinism_fraction},
                      {"checked", totals.checked},
                      {"mismatches", totals.mismatches}};
  j["sim_s"] = totals.sim_s;
  j["wall_s"] = result.wall_s;
  j["speedup"] = per_second(totals.sim_s, result.wall_s);
  j["seeds_per_minute"] = per_second(ran, result.wall_s) * 60;
  j["monitor_polls"] = totals.monitor_polls;
  j["leaderless_polls"] = totals.leaderless_polls;
  j["stopped"] = stop_name(result.stop);
  j["exit_code"] = campaign_exit_code(result);
  return j;
}

std::string junit_xml(const CampaignInfo& info, const CampaignResult& result) {
  const Totals totals = totals_of(result);
  const std::string suite =
      checkers::linearizability::escape_markup("raftsim fuzz " + info.scenario);
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{:.3f}\">\n",
                     suite, result.outcomes.size(), totals.failed, result.wall_s);
  xml += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" "
      "time=\"{:.3f}\">\n",
      suite, result.outcomes.size(), totals.failed, result.wall_s);
  const std::string classname =
      checkers::linearizability::escape_markup("raftsim.fuzz." + info.scenario);
  for (const SeedOutcome& outcome : result.outcomes) {
    xml += fmt::format("    <testcase classname=\"{}\" name=\"seed {}\" time=\"{:.3f}\"", classname,
                       outcome.seed, outcome.wall_ms / 1000.0);
    if (!outcome.failed()) {
      xml += "/>\n";
      continue;
    }
    std::string message = outcome.kind();
    if (!outcome.property.empty()) message += ": " + outcome.property;
    if (!outcome.message.empty()) message += ": " + outcome.message;
    std::string body = outcome.divergence ? divergence_text(*outcome.divergence) + "\n" : "";
    if (!outcome.report_path.empty()) body += "raftsim replay " + outcome.report_path;
    if (!outcome.picture_path.empty()) body += "\nrun picture: " + outcome.picture_path;
    xml +=
        fmt::format(">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                    outcome.kind(), checkers::linearizability::escape_markup(message),
                    checkers::linearizability::escape_markup(body));
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace raftsim::cli::fuzz
