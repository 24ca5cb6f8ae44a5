#include "checkers/linearizability/history_html.h"

#include <algorithm>
#include <map>

#include "checkers/linearizability/detail/html_assets.h"
#include "checkers/linearizability/detail/quote.h"

namespace checkers::linearizability {

std::string describe_answer(const std::optional<int64_t>& server,
                            const std::optional<int64_t>& index) {
  if (!server) return index ? "log index " + std::to_string(*index) : "";
  std::string text = "s" + std::to_string(*server);
  if (index) text += ", log index " + std::to_string(*index);
  return text;
}

std::string escape_markup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

constexpr int kColumnPx = 46;  // one distinct event time
constexpr int kRowPx = 26;     // one row of a client's lane
constexpr int kRulerPx = 22;
constexpr int kTickGapPx = 120;  // at least this much between time labels on the ruler

// A time for the ruler, in the largest unit that keeps three significant decimals.
std::string format_ns(int64_t ns) {
  char text[48];
  const double value = static_cast<double>(ns);
  if (ns >= 1'000'000'000 || ns <= -1'000'000'000) {
    std::snprintf(text, sizeof text, "%.3fs", value / 1e9);
  } else if (ns >= 1'000'000 || ns <= -1'000'000) {
    std::snprintf(text, sizeof text, "%.3fms", value / 1e6);
  } else if (ns >= 1'000 || ns <= -1'000) {
    std::snprintf(text, sizeof text, "%.3fus", value / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%lldns", static_cast<long long>(ns));
  }
  return text;
}

std::string partition_title(const PartitionResult& partition) {
  return partition.key.empty() ? "all operations" : "key " + detail::quote(partition.key);
}

// What the picture says about each operation of a partition.
struct Role {
  uint32_t order = 0;  // 1-based position in the (partial) linearization; 0 when not in it
  const std::string* state_after = nullptr;
  bool unplaced = false;
  bool due = false;  // the unplaced operation that had to be placed next
};

std::map<uint32_t, Role> roles_of(const PartitionResult& partition) {
  std::map<uint32_t, Role> roles;
  if (!partition.linearizations.empty()) {
    const Linearization& linearization = partition.linearizations.front();
    for (uint32_t i = 0; i < linearization.size(); ++i) {
      roles[linearization[i].operation].order = i + 1;
      roles[linearization[i].operation].state_after = &linearization[i].state_after;
    }
  }
  for (size_t i = 0; i < partition.unplaced.size(); ++i) {
    roles[partition.unplaced[i]].unplaced = true;
    roles[partition.unplaced[i]].due = i == 0;
  }
  return roles;
}

// Column of each distinct time; rows of each client's lane (an operation of unknown outcome can
// overlap its client's later operations, so a lane grows a row for each overlap).
struct Layout {
  std::vector<int64_t> times;
  std::map<int64_t, int> lane_of_client;
  std::vector<int> lane_top_px;              // by lane, plus the total height at the end
  std::map<uint32_t, int> row_of_operation;  // absolute row across lanes

  int column(int64_t time) const {
    return static_cast<int>(std::lower_bound(times.begin(), times.end(), time) - times.begin());
  }
  int width_px() const { return (static_cast<int>(times.size()) + 2) * kColumnPx; }
  int left_px(const PictureInput::Bar& bar) const { return column(bar.call_ns) * kColumnPx + 3; }
  int right_px(const PictureInput::Bar& bar) const {
    return bar.return_ns ? (column(*bar.return_ns) + 1) * kColumnPx - 3 : width_px() - 3;
  }
};

Layout layout_of(const PictureInput& input, const PartitionResult& partition) {
  Layout layout;
  std::map<int64_t, std::vector<uint32_t>> by_client;
  for (const uint32_t index : partition.operations) {
    const auto& bar = input.operations[index];
    layout.times.push_back(bar.call_ns);
    if (bar.return_ns) layout.times.push_back(*bar.return_ns);
    by_client[bar.client].push_back(index);  // partition.operations is ordered by call time
  }
  std::sort(layout.times.begin(), layout.times.end());
  layout.times.erase(std::unique(layout.times.begin(), layout.times.end()), layout.times.end());
  int row_base = 0;
  int top_px = kRulerPx;
  for (const auto& [client, indices] : by_client) {
    layout.lane_of_client[client] = static_cast<int>(layout.lane_top_px.size());
    layout.lane_top_px.push_back(top_px);
    std::vector<int> row_end_px;  // greedy interval colouring of the lane's bars
    for (const uint32_t index : indices) {
      const auto& bar = input.operations[index];
      size_t row = 0;
      while (row < row_end_px.size() && row_end_px[row] > layout.left_px(bar)) ++row;
      if (row == row_end_px.size()) row_end_px.push_back(0);
      row_end_px[row] = layout.right_px(bar) + 3;
      layout.row_of_operation[index] = row_base + static_cast<int>(row);
    }
    row_base += static_cast<int>(row_end_px.size());
    top_px += static_cast<int>(row_end_px.size()) * kRowPx;
  }
  layout.lane_top_px.push_back(top_px);
  return layout;
}

// `numbered`: show the operation's place in the linearization on the bar (illegal partitions).
void render_bar(std::string& out, const PictureInput& input, uint32_t index, const Role& role,
                const Layout& layout, size_t linearized_count, bool numbered) {
  const auto& bar = input.operations[index];
  std::string classes = "op";
  if (!bar.return_ns) classes += " pending";
  if (role.order > 0) classes += " linearized";
  if (role.unplaced) classes += " unplaced";
  if (role.due) classes += " due";
  const int left = layout.left_px(bar);
  const int top = kRulerPx + layout.row_of_operation.at(index) * kRowPx + 3;
  out += "<div class=\"" + classes + "\" data-op=\"" + std::to_string(index) + "\" data-client=\"" +
         std::to_string(bar.client) + "\" data-call=\"" + std::to_string(bar.call_ns) + "\"";
  if (bar.return_ns) out += " data-return=\"" + std::to_string(*bar.return_ns) + "\"";
  out += " data-label=\"" + escape_markup(bar.label) + "\"";
  if (!bar.answer.empty()) out += " data-answer=\"" + escape_markup(bar.answer) + "\"";
  if (role.order > 0) {
    out += " data-order=\"" + std::to_string(role.order) + "\" data-of=\"" +
           std::to_string(linearized_count) + "\" data-state=\"" +
           escape_markup(*role.state_after) + "\"";
  }
  out += " style=\"left:" + std::to_string(left) + "px;top:" + std::to_string(top) +
         "px;width:" + std::to_string(layout.right_px(bar) - left) + "px\">";
  if (role.order > 0 && numbered) {
    out += "<span class=\"order\">" + std::to_string(role.order) + "</span>";
  }
  out += escape_markup(bar.label) + "</div>\n";
}

void render_ruler(std::string& out, const Layout& layout) {
  out += "<div class=\"ruler\">";
  const size_t every = static_cast<size_t>((kTickGapPx + kColumnPx - 1) / kColumnPx);
  for (size_t column = 0; column < layout.times.size(); column += every) {
    out += "<span class=\"tick\" style=\"left:" +
           std::to_string(static_cast<int>(column) * kColumnPx + kColumnPx / 2) + "px\">" +
           escape_markup(format_ns(layout.times[column])) + "</span>";
  }
  out += "</div>\n";
}

void render_chart(std::string& out, const PictureInput& input, const PartitionResult& partition) {
  const Layout layout = layout_of(input, partition);
  const auto roles = roles_of(partition);
  out += "<div class=\"chart\"><div class=\"labels\"><div class=\"ruler-label\">time</div>";
  for (const auto& [client, lane] : layout.lane_of_client) {
    const int height = layout.lane_top_px[lane + 1] - layout.lane_top_px[lane];
    out += "<div class=\"client\" style=\"height:" + std::to_string(height) + "px\">client " +
           std::to_string(client) + "</div>";
  }
  out += "</div>\n<div class=\"scroll\"><div class=\"timeline\" style=\"width:" +
         std::to_string(layout.width_px()) +
         "px;height:" + std::to_string(layout.lane_top_px.back()) + "px\">\n";
  render_ruler(out, layout);
  for (const auto& [client, lane] : layout.lane_of_client) {
    out += "<div class=\"lane" + std::string(lane % 2 ? " odd" : "") + "\" data-client=\"" +
           std::to_string(client) + "\" style=\"top:" + std::to_string(layout.lane_top_px[lane]) +
           "px;height:" + std::to_string(layout.lane_top_px[lane + 1] - layout.lane_top_px[lane]) +
           "px\"></div>\n";
  }
  const size_t linearized_count =
      partition.linearizations.empty() ? 0 : partition.linearizations.front().size();
  for (const uint32_t index : partition.operations) {
    const auto found = roles.find(index);
    render_bar(out, input, index, found == roles.end() ? Role{} : found->second, layout,
               linearized_count, partition.verdict == Verdict::illegal);
  }
  out += "</div></div></div>\n";
}

void render_step(std::string& out, const PictureInput& input, uint32_t index,
                 const std::string* state_after, const char* classes) {
  const auto& bar = input.operations[index];
  out += "<li class=\"" + std::string(classes) + "\" data-op=\"" + std::to_string(index) +
         "\"><code>" + escape_markup(bar.label) + "</code> <span class=\"state\">client " +
         std::to_string(bar.client);
  if (!bar.answer.empty()) out += ", answered by " + escape_markup(bar.answer);
  if (state_after != nullptr) out += " &rarr; state " + escape_markup(*state_after);
  out += "</span></li>\n";
}

// For an illegal partition: the longest partial linearization and what could not follow it.
void render_explanation(std::string& out, const PictureInput& input,
                        const PartitionResult& partition) {
  if (partition.verdict != Verdict::illegal || partition.linearizations.empty()) return;
  const Linearization& longest = partition.linearizations.front();
  out += "<div class=\"explain\"><div><h3>Longest partial linearization: " +
         std::to_string(longest.size()) + " of " + std::to_string(partition.operations.size()) +
         " operations, from state " + escape_markup(partition.initial_state) +
         "</h3>\n<ol class=\"linearization\">\n";
  for (const LinearizedStep& step : longest) {
    render_step(out, input, step.operation, &step.state_after, "step");
  }
  out += "</ol></div>\n<div><h3>Cannot be placed next</h3>\n<ul class=\"unplaced-list\">\n";
  for (size_t i = 0; i < partition.unplaced.size(); ++i) {
    render_step(out, input, partition.unplaced[i], nullptr, i == 0 ? "due" : "");
  }
  out += "</ul>";
  if (partition.linearizations.size() > 1) {
    out += "<p class=\"facts\">" + std::to_string(partition.linearizations.size() - 1) +
           " other partial linearizations of the same length exist.</p>";
  }
  out += "</div></div>\n";
}

void render_partition(std::string& out, const PictureInput& input, const PartitionResult& partition,
                      bool open) {
  const std::string verdict(to_string(partition.verdict));
  out += "<details class=\"partition " + verdict + "\" data-key=\"" + escape_markup(partition.key) +
         "\"" + (open ? " open" : "") + ">\n<summary><span class=\"verdict " + verdict + "\">" +
         verdict + "</span> " + escape_markup(partition_title(partition)) +
         "<span class=\"facts\">" + std::to_string(partition.operations.size()) + " operations, " +
         std::to_string(partition.steps) + " search steps, initial state " +
         escape_markup(partition.initial_state) + "</span></summary>\n";
  render_chart(out, input, partition);
  render_explanation(out, input, partition);
  out += "</details>\n";
}

void render_legend(std::string& out) {
  out +=
      "<div class=\"legend\">"
      "<span><span class=\"swatch\" style=\"background:#dafbe1;border:1px solid #4ac26b\">"
      "</span>linearizable partition</span>"
      "<span><span class=\"swatch\" style=\"background:#ddf4ff;border:1px solid #54aeff\">"
      "</span>in the longest partial linearization (numbered)</span>"
      "<span><span class=\"swatch\" style=\"background:#cf222e\"></span>"
      "cannot be placed next</span>"
      "<span><span class=\"swatch\" style=\"background:#eaeef2;border-right:2px dashed #8c959f\">"
      "</span>outcome unknown</span>"
      "<span>Hover an operation for its times and the state after it.</span></div>\n";
}

void render_history(std::string& out, const PictureInput& input) {
  const CheckResult& result = input.result;
  const std::string verdict(to_string(result.verdict));
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.3f", static_cast<double>(result.elapsed_ns) / 1e6);
  out += "<section class=\"history\" data-verdict=\"" + verdict + "\">\n<header><h2>" +
         escape_markup(input.title) + "</h2><span class=\"verdict " + verdict + "\">" + verdict +
         "</span><span class=\"facts\">model " + escape_markup(input.model) + ", " +
         std::to_string(input.operations.size()) + " operations, " +
         std::to_string(result.partitions.size()) + " partitions, checked in " + elapsed +
         " ms</span></header>\n";
  render_legend(out);
  // Illegal partitions first, then unknown, then ok; by key within each.
  std::vector<const PartitionResult*> order;
  for (const auto& partition : result.partitions) order.push_back(&partition);
  auto rank = [](const PartitionResult* p) {
    return p->verdict == Verdict::illegal ? 0 : p->verdict == Verdict::unknown ? 1 : 2;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&rank](const auto* a, const auto* b) { return rank(a) < rank(b); });
  for (const PartitionResult* partition : order) {
    render_partition(out, input, *partition,
                     partition->verdict != Verdict::ok || result.partitions.size() == 1);
  }
  out += "</section>\n";
}

}  // namespace

PictureInput picture_input(const AnyHistory& history, const CheckResult& result,
                           std::string title) {
  return std::visit(
      [&](const auto& typed) { return picture_input(typed, result, std::move(title)); }, history);
}

const char* history_css() { return detail::kHistoryCss; }

const char* history_script() { return detail::kHistoryJs; }

std::string render_history_sections(const std::vector<PictureInput>& histories) {
  std::string out;
  for (const PictureInput& input : histories) render_history(out, input);
  out += "<div id=\"tip\"></div>\n";
  return out;
}

std::string render_history_html(const std::vector<PictureInput>& histories) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>raftsim history</title>\n<style>";
  out += history_css();
  out += "</style>\n</head>\n<body>\n<h1>raftsim linearizability check</h1>\n";
  out += render_history_sections(histories);
  out += "<script>";
  out += history_script();
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace checkers::linearizability
