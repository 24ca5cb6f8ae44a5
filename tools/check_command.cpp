// `raftsim check FILE...`: checks recorded client histories for linearizability.
//
// Contract: each file is read (raftsim-history/1 JSON, or a Jepsen EDN history), checked, and
// reported on one line (or as one JSON object per line with --json); an illegal partition also gets
// its longest partial linearization and the operations that could not follow it. --html writes one
// picture of every history that could be read. A file that cannot be read is reported with its
// name, the operation and the problem, and the remaining files are still checked.
// Exit code: 65 if any file is bad input; else 2 if any history is illegal; else 6 if any verdict
// is unknown (a budget ran out, which is never ok); else 0.
#include <fmt/core.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "checkers/linearizability/check.h"
#include "checkers/linearizability/history_file.h"
#include "checkers/linearizability/history_html.h"
#include "tools/command.h"
#include "tools/run_support.h"

namespace raftsim::cli {
namespace {

namespace lin = checkers::linearizability;

struct CheckCommandOptions {
  std::vector<std::string> files;
  std::string model;   // "" = as the file says
  std::string format;  // "" = by file name
  std::string initial;
  int64_t budget_ms = 60'000;
  uint64_t budget_mb = 1024;
  uint64_t steps_max = 0;
  std::string html_path;
  bool json = false;
};

// A checked file: its history and result, kept for the picture.
struct Checked {
  std::string file;
  lin::AnyHistory history;
  lin::CheckResult result;
};

// "null" or a decimal integer; anything else is a usage error.
std::optional<lin::RegisterValue> parse_initial(const std::string& text) {
  if (text == "null") return lin::RegisterValue{};
  try {
    size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size()) return lin::RegisterValue{value};
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

std::string describe_operation(const lin::AnyHistory& history, uint32_t index) {
  return std::visit(
      [index](const auto& typed) {
        return "#" + std::to_string(index) + " " +
               typed.model.describe_call(typed.operations[index].call);
      },
      history);
}

double milliseconds(int64_t ns) { return static_cast<double>(ns) / 1e6; }

// The human report of one illegal partition: the tail of its longest partial linearization and
// what could not be placed after it.
void print_illegal_partition(const Checked& checked, const lin::PartitionResult& partition) {
  constexpr size_t kTailMax = 8;
  const lin::Linearization& longest = partition.linearizations.front();
  fmt::print("  {}: illegal; longest partial linearization places {} of {} operations",
             partition.key.empty() ? std::string("history") : "key \"" + partition.key + "\"",
             longest.size(), partition.operations.size());
  fmt::print("{}\n", longest.size() > kTailMax ? ", ending:" : ":");
  for (size_t i = longest.size() > kTailMax ? longest.size() - kTailMax : 0; i < longest.size();
       ++i) {
    fmt::print("    {:>4}. {}  => {}\n", i + 1,
               describe_operation(checked.history, longest[i].operation), longest[i].state_after);
  }
  fmt::print("    cannot be placed next:\n");
  for (const uint32_t index : partition.unplaced) {
    fmt::print("          {}\n", describe_operation(checked.history, index));
  }
}

std::string budget_name(lin::BudgetLimit limit, const CheckCommandOptions& options) {
  switch (limit) {
    case lin::BudgetLimit::time:
      return fmt::format("the wall-time budget (--budget-ms {})", options.budget_ms);
    case lin::BudgetLimit::memory:
      return fmt::format("the memory budget (--budget-mb {})", options.budget_mb);
    case lin::BudgetLimit::steps:
      return fmt::format("the step budget (--steps-max {})", options.steps_max);
    case lin::BudgetLimit::none:
      break;
  }
  return "a budget";
}

// What an out-of-budget check reached: which budget ran out, how many partitions were decided,
// and how far the search got in those it had started (a few of them; the rest are counted).
void print_budget_line(const lin::CheckResult& result, const CheckCommandOptions& options) {
  constexpr size_t kShownMax = 4;
  size_t decided = 0;
  size_t unsearched = 0;
  std::vector<const lin::PartitionResult*> searched;
  for (const auto& partition : result.partitions) {
    if (partition.verdict != lin::Verdict::unknown) {
      ++decided;
    } else if (partition.steps == 0 && partition.placed_max == 0) {
      ++unsearched;
    } else {
      searched.push_back(&partition);
    }
  }
  fmt::print("  budget: {} ran out after {:.0f} ms; {} of {} partitions decided",
             budget_name(result.limit, options), milliseconds(result.elapsed_ns), decided,
             result.partitions.size());
  if (unsearched > 0) fmt::print(", {} not searched", unsearched);
  fmt::print("\n");
  for (size_t i = 0; i < searched.size() && i < kShownMax; ++i) {
    const lin::PartitionResult& partition = *searched[i];
    fmt::print("  {}: unknown after {} search steps, at most {} of its {} operations placed\n",
               partition.key.empty() ? std::string("history") : "key \"" + partition.key + "\"",
               partition.steps, partition.placed_max, partition.operations.size());
  }
  if (searched.size() > kShownMax) {
    fmt::print("  ... and {} more partitions unknown\n", searched.size() - kShownMax);
  }
}

void print_text(const Checked& checked, const CheckCommandOptions& options) {
  const lin::CheckResult& result = checked.result;
  fmt::print("{}: {} ({} operations, {} partitions, {:.3f} ms)\n", checked.file,
             lin::to_string(result.verdict), lin::operation_count(checked.history),
             result.partitions.size(), milliseconds(result.elapsed_ns));
  for (const auto& partition : result.partitions) {
    if (partition.verdict == lin::Verdict::illegal) print_illegal_partition(checked, partition);
  }
  if (result.limit != lin::BudgetLimit::none) print_budget_line(result, options);
}

void print_json(const Checked& checked) {
  const lin::CheckResult& result = checked.result;
  nlohmann::ordered_json report;
  report["file"] = checked.file;
  report["model"] = std::string(lin::model_name(checked.history));
  report["verdict"] = std::string(lin::to_string(result.verdict));
  report["operations"] = lin::operation_count(checked.history);
  report["partitions"] = result.partitions.size();
  report["elapsed_ms"] = milliseconds(result.elapsed_ns);
  report["steps"] = result.steps;
  if (result.limit != lin::BudgetLimit::none) {
    report["budget_ran_out"] = std::string(lin::to_string(result.limit));
  }
  nlohmann::ordered_json partitions = nlohmann::ordered_json::array();
  for (const auto& partition : result.partitions) {
    if (partition.verdict == lin::Verdict::ok) continue;
    nlohmann::ordered_json entry;
    entry["key"] = partition.key;
    entry["verdict"] = std::string(lin::to_string(partition.verdict));
    entry["operations"] = partition.operations.size();
    if (partition.verdict == lin::Verdict::unknown) {
      entry["steps"] = partition.steps;
      entry["placed_max"] = partition.placed_max;
    }
    if (partition.verdict == lin::Verdict::illegal) {
      nlohmann::ordered_json longest = nlohmann::ordered_json::array();
      for (const auto& step : partition.linearizations.front()) longest.push_back(step.operation);
      entry["longest"] = std::move(longest);
      entry["unplaced"] = partition.unplaced;
    }
    partitions.push_back(std::move(entry));
  }
  report["not_ok_partitions"] = std::move(partitions);
  fmt::print("{}\n", report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void print_bad_input(const std::string& file, const std::string& problem, bool json) {
  fmt::print(stderr, "raftsim check: {}\n", problem);
  if (!json) return;
  nlohmann::ordered_json report;
  report["file"] = file;
  report["verdict"] = "bad_input";
  report["error"] = problem;
  fmt::print("{}\n", report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

bool write_html(const std::string& path, const std::vector<Checked>& checked) {
  std::vector<lin::PictureInput> pictures;
  for (const Checked& one : checked) {
    pictures.push_back(lin::picture_input(one.history, one.result, one.file));
  }
  return write_file(path, lin::render_history_html(pictures));
}

int run_check(const CheckCommandOptions& options) {
  lin::ReadOptions read_options;
  if (!options.model.empty()) read_options.model = options.model;
  if (options.format == "json") read_options.format = lin::HistoryFormat::json;
  if (options.format == "jepsen") read_options.format = lin::HistoryFormat::jepsen;
  if (!options.initial.empty()) {
    read_options.initial = parse_initial(options.initial);
    if (!read_options.initial) {
      fmt::print(stderr, "raftsim check: --initial must be an integer or null, got \"{}\"\n",
                 options.initial);
      return kExitUsage;
    }
  }
  lin::CheckOptions check_options;
  check_options.time_budget_ms = options.budget_ms;
  check_options.steps_max = options.steps_max;
  check_options.memory_bytes_max = options.budget_mb * 1024 * 1024;
  bool any_bad = false;
  bool any_illegal = false;
  bool any_unknown = false;
  std::vector<Checked> checked;
  for (const std::string& file : options.files) {
    try {
      lin::AnyHistory history = lin::read_history_file(file, read_options);
      lin::CheckResult result = lin::check(history, check_options);
      checked.push_back({file, std::move(history), std::move(result)});
    } catch (const lin::HistoryError& error) {
      print_bad_input(file, error.what(), options.json);
      any_bad = true;
      continue;
    }
    options.json ? print_json(checked.back()) : print_text(checked.back(), options);
    any_illegal = any_illegal || checked.back().result.verdict == lin::Verdict::illegal;
    any_unknown = any_unknown || checked.back().result.verdict == lin::Verdict::unknown;
  }
  if (!options.html_path.empty() && !write_html(options.html_path, checked)) {
    return kExitBadInput;  // write_file named the file and the reason
  }
  if (any_bad) return kExitBadInput;
  if (any_illegal) return kExitLinearizability;
  return any_unknown ? kExitUnknown : kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<CheckCommandOptions>();
  auto* cmd = app.add_subcommand("check", "Check client histories for linearizability");
  cmd->add_option("files", options->files, "History files (raftsim-history/1 JSON or Jepsen EDN)")
      ->required();
  cmd->add_option("--model", options->model,
                  "The model: kv or register (default: as the file says)")
      ->check(CLI::IsMember({"kv", "register"}));
  cmd->add_option("--format", options->format,
                  "json (raftsim-history/1) or jepsen (EDN); default: jepsen for *.edn, else json")
      ->check(CLI::IsMember({"json", "jepsen"}));
  cmd->add_option("--initial", options->initial,
                  "The register's initial value: an integer or null (default null)");
  cmd->add_option("--budget-ms", options->budget_ms,
                  "Wall-time budget per history in ms; 0 = none. Out of budget = unknown (exit 6)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40))
      ->capture_default_str();
  cmd->add_option("--budget-mb", options->budget_mb,
                  "Memory budget per history in MiB for the search's own structures (memo, states, "
                  "stack), one partition at a time; 0 = none. Out of budget = unknown (exit 6)")
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 30))
      ->capture_default_str();
  cmd->add_option("--steps-max", options->steps_max,
                  "Search-step budget per history; 0 = none. Deterministic, unlike --budget-ms")
      ->capture_default_str();
  cmd->add_option("--html", options->html_path, "Write a self-contained HTML picture to this file");
  cmd->add_flag("--json", options->json, "Print one JSON object per file");
  cmd->callback([&action, options] { action = [options] { return run_check(*options); }; });
}

}  // namespace raftsim::cli
