#include "views/perfetto_export.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

namespace views {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kMainThread = 1;  // role spans on a server, operations on a client
constexpr int kRpcThread = 2;   // packet slices, flows, drops

double micros(sim::Instant at) { return static_cast<double>(at.ns()) / 1000.0; }

std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

// `text` after its first `count` space-separated words.
std::string after_words(const std::string& text, size_t count) {
  size_t at = 0;
  for (size_t k = 0; k < count && at != std::string::npos; ++k) {
    at = text.find(' ', at);
    if (at != std::string::npos) ++at;
  }
  return at == std::string::npos ? "" : text.substr(at);
}

class Writer {
 public:
  Writer(const std::vector<sim::TraceEvent>& trace, const std::vector<std::string>& names,
         int servers);
  std::string write();

 private:
  void metadata();
  void add(const sim::TraceEvent& e);
  void emit(Json event);
  int pid(sim::NodeId node) const { return node + 1; }
  std::string name(sim::NodeId node) const;
  void close_main(sim::NodeId node, sim::Instant at, Json args = Json::object());
  void instant(sim::NodeId node, int tid, const std::string& name, sim::Instant at, Json args);
  void rpc_slice(sim::NodeId node, const std::string& name, sim::Instant at);
  void on_role(const sim::TraceEvent& e);
  void on_client(const sim::TraceEvent& e);
  void on_packet(const sim::TraceEvent& e);

  const std::vector<sim::TraceEvent>& trace_;
  const std::vector<std::string>& names_;
  int servers_;
  int nodes_;  // names, or more if the trace names a node past them
  std::string out_;
  bool first_ = true;
  std::vector<bool> main_open_;        // a span is open on a node's main thread
  std::vector<int64_t> rpc_slice_ns_;  // the instant of each node's last rpc slice
  std::set<uint64_t> delivered_;       // packets that reached someone
  std::set<uint64_t> flows_started_;   // "s" written
  std::set<uint64_t> flows_finished_;  // "f" written
};

Writer::Writer(const std::vector<sim::TraceEvent>& trace, const std::vector<std::string>& names,
               int servers)
    : trace_(trace), names_(names), servers_(servers), nodes_(static_cast<int>(names.size())) {
  for (const sim::TraceEvent& e : trace) {
    nodes_ = std::max({nodes_, e.node + 1, e.peer + 1});
    if (e.kind == sim::TraceKind::deliver) delivered_.insert(e.id);
  }
  main_open_.assign(static_cast<size_t>(nodes_), false);
  rpc_slice_ns_.assign(static_cast<size_t>(nodes_), -1);
}

std::string Writer::name(sim::NodeId node) const {
  if (node >= 0 && static_cast<size_t>(node) < names_.size())
    return names_[static_cast<size_t>(node)];
  return fmt::format("node{}", node);
}

void Writer::emit(Json event) {
  out_ += first_ ? "\n" : ",\n";
  first_ = false;
  out_ += event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Writer::metadata() {
  auto meta = [this](const char* what, int pid, int tid, Json args) {
    emit(Json{{"name", what}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", std::move(args)}});
  };
  for (sim::NodeId node = 0; node < nodes_; ++node) {
    const bool server = node < servers_;
    meta("process_name", pid(node), 0, {{"name", name(node)}});
    meta("process_sort_index", pid(node), 0, {{"sort_index", node}});
    meta("thread_name", pid(node), kMainThread, {{"name", server ? "raft" : "ops"}});
    meta("thread_name", pid(node), kRpcThread, {{"name", "rpc"}});
  }
  meta("process_name", pid(nodes_), 0, {{"name", "nemesis"}});
  meta("process_sort_index", pid(nodes_), 0, {{"sort_index", nodes_}});
  meta("thread_name", pid(nodes_), kMainThread, {{"name", "faults"}});
}

void Writer::close_main(sim::NodeId node, sim::Instant at, Json args) {
  if (!main_open_[static_cast<size_t>(node)]) return;
  main_open_[static_cast<size_t>(node)] = false;
  Json end{{"ph", "E"}, {"pid", pid(node)}, {"tid", kMainThread}, {"ts", micros(at)}};
  if (!args.empty()) end["args"] = std::move(args);
  emit(std::move(end));
}

void Writer::instant(sim::NodeId node, int tid, const std::string& label, sim::Instant at,
                     Json args) {
  Json event{{"name", label},    {"ph", "i"},  {"s", "t"},
             {"pid", pid(node)}, {"tid", tid}, {"ts", micros(at)}};
  if (!args.empty()) event["args"] = std::move(args);
  emit(std::move(event));
}

// One 1 ns slice per node and instant, for flows to bind to.
void Writer::rpc_slice(sim::NodeId node, const std::string& label, sim::Instant at) {
  int64_t& last = rpc_slice_ns_[static_cast<size_t>(node)];
  if (last == at.ns()) return;
  last = at.ns();
  emit(Json{{"name", label},
            {"cat", "rpc"},
            {"ph", "X"},
            {"pid", pid(node)},
            {"tid", kRpcThread},
            {"ts", micros(at)},
            {"dur", 0.001}});
}

void Writer::on_role(const sim::TraceEvent& e) {
  close_main(e.node, e.at);
  main_open_[static_cast<size_t>(e.node)] = true;
  emit(Json{{"name", e.text.str()},
            {"cat", "role"},
            {"ph", "B"},
            {"pid", pid(e.node)},
            {"tid", kMainThread},
            {"ts", micros(e.at)},
            {"args", {{"term", e.id}}}});
}

// "c0 call append k1 c0.3" opens a span "append k1"; "c0 return append k1 ok" closes it.
void Writer::on_client(const sim::TraceEvent& e) {
  const std::string text = e.text.str();
  const std::vector<std::string> w = words(text);
  if (w.size() < 4) return;
  if (w[1] == "call") {
    close_main(e.node, e.at, {{"outcome", "superseded"}});
    main_open_[static_cast<size_t>(e.node)] = true;
    Json args{{"op", e.id}};
    if (w.size() > 4) args["value"] = w[4];
    emit(Json{{"name", w[2] + " " + w[3]},
              {"cat", "client"},
              {"ph", "B"},
              {"pid", pid(e.node)},
              {"tid", kMainThread},
              {"ts", micros(e.at)},
              {"args", std::move(args)}});
  } else if (w[1] == "return") {
    close_main(e.node, e.at, {{"outcome", after_words(text, 4)}});
  }
}

void Writer::on_packet(const sim::TraceEvent& e) {
  const std::string route =
      fmt::format("{}→{}", name(e.kind == sim::TraceKind::deliver ? e.peer : e.node),
                  name(e.kind == sim::TraceKind::deliver ? e.node : e.peer));
  const Json flow{{"name", "rpc"},      {"cat", "rpc"},      {"id", e.id},
                  {"pid", pid(e.node)}, {"tid", kRpcThread}, {"ts", micros(e.at)}};
  switch (e.kind) {
    case sim::TraceKind::send:
      rpc_slice(e.node, "send " + route, e.at);
      if (delivered_.count(e.id) != 0 && flows_started_.insert(e.id).second) {
        Json start = flow;
        start["ph"] = "s";
        emit(std::move(start));
      }
      break;
    case sim::TraceKind::deliver:
      rpc_slice(e.node, "recv " + route, e.at);
      if (flows_started_.count(e.id) != 0 && flows_finished_.insert(e.id).second) {
        Json finish = flow;
        finish["ph"] = "f";
        finish["bp"] = "e";
        emit(std::move(finish));
      }
      break;
    default:  // drop, duplicate
      instant(e.node, kRpcThread, fmt::format("{} {}", sim::to_string(e.kind), route), e.at,
              {{"packet", e.id}, {"why", e.text.str()}});
      break;
  }
}

void Writer::add(const sim::TraceEvent& e) {
  const bool on_node = e.node >= 0 && e.node < nodes_;
  switch (e.kind) {
    case sim::TraceKind::send:
    case sim::TraceKind::deliver:
    case sim::TraceKind::drop:
    case sim::TraceKind::duplicate:
      if (on_node) on_packet(e);
      break;
    case sim::TraceKind::crash:
    case sim::TraceKind::restart:
      if (!on_node) break;
      if (e.kind == sim::TraceKind::crash) close_main(e.node, e.at);
      instant(e.node, kMainThread, sim::to_string(e.kind), e.at, Json::object());
      break;
    case sim::TraceKind::fault:
      instant(nodes_, kMainThread, e.topic, e.at, {{"event", e.text.str()}});  // the nemesis's pid
      break;
    case sim::TraceKind::note:
      if (!on_node) break;
      if (e.topic == "role" && e.node < servers_) {
        on_role(e);
      } else if (e.topic == "client") {
        on_client(e);
      } else {
        instant(e.node, kMainThread, e.text.str(), e.at, {{"topic", e.topic}});
      }
      break;
    default:  // spawn, timer, disk persist: too fine-grained for a picture
      break;
  }
}

std::string Writer::write() {
  out_ = "{\"displayTimeUnit\": \"ms\", \"traceEvents\": [";
  metadata();
  for (const sim::TraceEvent& e : trace_) add(e);
  const sim::Instant end = trace_.empty() ? sim::Instant() : trace_.back().at;
  for (sim::NodeId node = 0; node < nodes_; ++node) close_main(node, end, Json::object());
  out_ += "\n]}\n";
  return std::move(out_);
}

}  // namespace

std::string perfetto_json(const std::vector<sim::TraceEvent>& trace,
                          const std::vector<std::string>& node_names, int servers) {
  Writer writer(trace, node_names, servers);
  return writer.write();
}

}  // namespace views
