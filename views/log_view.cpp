#include "views/log_view.h"

#include <fmt/core.h>
#include <fmt/format.h>

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace views {
namespace {

// The topics and their ANSI colours (SGR codes).
constexpr std::array<std::pair<const char*, const char*>, 12> kTopics{{
    {"vote", "35"},      // magenta
    {"append", "36"},    // cyan
    {"progress", "96"},  // bright cyan: a leader's nextIndex and matchIndex for a follower
    {"commit", "32"},    // green
    {"apply", "92"},     // bright green
    {"persist", "33"},   // yellow
    {"snapshot", "34"},  // blue
    {"role", "1;95"},    // bold bright magenta
    {"client", "1;37"},  // bold white
    {"net", "90"},       // grey
    {"fault", "1;31"},   // bold red
    {"library", "2"},    // dim: an implementation's own diagnostics (canonical: libraft's trace)
}};

const char* color_of(const std::string& topic) {
  for (const auto& [name, code] : kTopics) {
    if (topic == name) return code;
  }
  return "0";
}

}  // namespace

std::optional<std::set<std::string>> parse_log_topics(const std::string& list, std::string* error) {
  std::set<std::string> topics;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string topic = list.substr(start, comma - start);
    start = comma + 1;
    if (topic.empty()) continue;
    if (topic == "all") {
      for (const auto& entry : kTopics) topics.insert(entry.first);
      continue;
    }
    bool known = false;
    for (const auto& entry : kTopics) known = known || topic == entry.first;
    if (!known) {
      std::vector<std::string> names;
      for (const auto& entry : kTopics) names.emplace_back(entry.first);
      *error =
          fmt::format("unknown log topic '{}' (known: {}, all)", topic, fmt::join(names, ", "));
      return std::nullopt;
    }
    topics.insert(topic);
  }
  if (topics.empty()) {
    *error = "--log needs at least one topic";
    return std::nullopt;
  }
  return topics;
}

LogView::LogView(LogViewOptions options, std::FILE* out)
    : options_(std::move(options)), out_(out) {}

std::string LogView::topic_of(const sim::TraceEvent& event) {
  switch (event.kind) {
    case sim::TraceKind::send:
    case sim::TraceKind::deliver:
    case sim::TraceKind::drop:
    case sim::TraceKind::duplicate:
      return "net";
    case sim::TraceKind::crash:
    case sim::TraceKind::restart:
    case sim::TraceKind::fault:
      return "fault";
    case sim::TraceKind::note:
      return event.topic == "truncate" ? "append" : event.topic;
    default:
      return "";
  }
}

std::string LogView::name(sim::NodeId node) const {
  if (node >= 0 && static_cast<size_t>(node) < options_.node_names.size()) {
    return options_.node_names[static_cast<size_t>(node)];
  }
  return fmt::format("node{}", node);
}

std::string LogView::text_of(const sim::TraceEvent& e) const {
  switch (e.kind) {
    case sim::TraceKind::send:
      return fmt::format("{} send -> {} #{} ({} B)", name(e.node), name(e.peer), e.id, e.size);
    case sim::TraceKind::deliver:
      return fmt::format("{} recv <- {} #{}", name(e.node), name(e.peer), e.id);
    case sim::TraceKind::drop:
      return fmt::format("{} drop -> {} #{} ({})", name(e.node), name(e.peer), e.id, e.text.str());
    case sim::TraceKind::duplicate:
      return fmt::format("{} dup -> {} #{}", name(e.node), name(e.peer), e.id);
    case sim::TraceKind::crash:
    case sim::TraceKind::restart:
      return fmt::format("{} {}", name(e.node), sim::to_string(e.kind));
    case sim::TraceKind::fault:
      return e.text.empty() ? "nemesis " + e.topic
                            : fmt::format("nemesis {} {}", e.topic, e.text.str());
    default:  // notes: a client's text already names the client
      return e.topic == "client" ? e.text.str() : fmt::format("{} {}", name(e.node), e.text.str());
  }
}

void LogView::operator()(const sim::TraceEvent& event) {
  const std::string topic = topic_of(event);
  if (topic.empty() || options_.topics.count(topic) == 0) return;
  int column = 0;
  if (event.node >= options_.servers) {
    column = options_.servers;  // the tester's processes
  } else if (event.node >= 0 && event.kind != sim::TraceKind::fault) {
    column = event.node;
  }
  const int64_t ns = event.at.ns();
  const std::string time = fmt::format("{:>7}.{:03}", ns / 1'000'000, ns / 1'000 % 1'000);
  std::string label = topic;
  for (char& c : label) c = static_cast<char>(c - (c >= 'a' && c <= 'z' ? 'a' - 'A' : 0));
  const std::string indent(static_cast<size_t>(column * options_.column_width), ' ');
  if (options_.color) {
    fmt::print(out_, "{} \x1b[{}m{:<8}{}{}\x1b[0m\n", time, color_of(topic), label, indent,
               text_of(event));
  } else {
    fmt::print(out_, "{} {:<8}{}{}\n", time, label, indent, text_of(event));
  }
}

}  // namespace views
