#include "views/run_picture.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "views/detail/run_picture_assets.h"

namespace views {
namespace {

namespace lin = checkers::linearizability;
using Json = nlohmann::ordered_json;

std::string first_word(const std::string& text) { return text.substr(0, text.find(' ')); }

// The fault event's fields: its text is the event's JSON (scenarios/to_json.h) and then, after a
// space, what the injector adds ("leader=1", "fired"). Empty when the text is not that.
Json fault_fields(const std::string& text) {
  std::istringstream in(text);
  Json fields;
  try {
    in >> fields;  // reads one JSON value and stops
  } catch (const nlohmann::json::exception&) {
    return Json::object();
  }
  return fields.is_object() ? fields : Json::object();
}

int int_field(const Json& fields, const char* name) {
  const auto found = fields.find(name);
  return found != fields.end() && found->is_number_integer() ? found->get<int>() : -1;
}

double number_field(const Json& fields, const char* name) {
  const auto found = fields.find(name);
  return found != fields.end() && found->is_number() ? found->get<double>() : 0.0;
}

std::string names_of(const std::vector<int>& nodes, const std::vector<std::string>& names) {
  std::string out;
  for (const int node : nodes) {
    if (!out.empty()) out += ' ';
    out += names[static_cast<size_t>(node)];
  }
  return out;
}

}  // namespace

RunPictureBuilder::RunPictureBuilder(std::vector<std::string> node_names, int servers)
    : names_(std::move(node_names)), servers_(std::max(servers, 0)) {
  while (names_.size() < static_cast<size_t>(servers_)) {
    names_.push_back(fmt::format("node{}", names_.size()));
  }
  lanes_.resize(static_cast<size_t>(servers_));
  open_.resize(static_cast<size_t>(servers_));
  last_index_.assign(static_cast<size_t>(servers_), -1);
  for (int node = 0; node < servers_; ++node) {
    lanes_[static_cast<size_t>(node)].name = names_[static_cast<size_t>(node)];
    open_[static_cast<size_t>(node)].down_since = 0;  // down until the world first starts it
  }
}

std::string RunPictureBuilder::name(int node) const {
  return node >= 0 && static_cast<size_t>(node) < names_.size() ? names_[static_cast<size_t>(node)]
                                                                : fmt::format("node{}", node);
}

void RunPictureBuilder::set_point(std::vector<RunPicture::Point>& series, int64_t at_ns,
                                  int64_t value) {
  if (!series.empty() && series.back().at_ns == at_ns) {
    series.back().value = value;
    if (series.size() >= 2 && series[series.size() - 2].value == value) series.pop_back();
    return;
  }
  if (!series.empty() && series.back().value == value) return;
  if (series.empty() && value < 0) return;  // unknown until the first value: nothing to draw
  series.push_back({at_ns, value});
}

void RunPictureBuilder::close(std::optional<RunPicture::Span>& open,
                              std::vector<RunPicture::Span>& into, int64_t at_ns) {
  if (!open) return;
  open->to_ns = at_ns;
  if (open->to_ns > open->from_ns) into.push_back(*open);
  open.reset();
}

void RunPictureBuilder::add(const sim::TraceEvent& event) {
  const int64_t at = event.at.ns();
  const bool server = event.node >= 0 && event.node < servers_;
  switch (event.kind) {
    case sim::TraceKind::crash:
      if (!server) break;
      {
        const auto node = static_cast<size_t>(event.node);
        close(open_[node].role, lanes_[node].roles, at);
        if (!open_[node].down_since) open_[node].down_since = at;
        last_index_[node] = -1;
        set_point(lanes_[node].last_index, at, -1);
        set_point(lanes_[node].commit_index, at, -1);
      }
      break;
    case sim::TraceKind::restart:
      if (!server) break;
      {
        const auto node = static_cast<size_t>(event.node);
        if (open_[node].down_since && at > *open_[node].down_since) {
          lanes_[node].down.push_back({*open_[node].down_since, at, "down", 0, "down"});
        }
        open_[node].down_since.reset();
      }
      break;
    case sim::TraceKind::fault:
      on_fault(event);
      break;
    case sim::TraceKind::note:
      if (event.topic == "links") {
        on_links(event);
      } else if (server) {
        on_note(event);
      }
      break;
    default:  // packets, fibers, timers and disk writes are too fine-grained for this picture
      break;
  }
}

void RunPictureBuilder::on_note(const sim::TraceEvent& event) {
  const int64_t at = event.at.ns();
  const auto node = static_cast<size_t>(event.node);
  RunPicture::Lane& lane = lanes_[node];
  const auto index = static_cast<int64_t>(event.id);
  int64_t& last = last_index_[node];
  if (event.topic == "role") {
    close(open_[node].role, lane.roles, at);
    const std::string role = first_word(event.text.str());
    open_[node].role =
        RunPicture::Span{at, at, role, event.id, fmt::format("{} term {}", role, event.id)};
  } else if (event.topic == "append" || event.topic == "persist") {
    last = index;
  } else if (event.topic == "truncate") {
    last = index - 1;
  } else if (event.topic == "snapshot") {
    last = std::max(last, index);
  } else if (event.topic == "commit") {
    set_point(lane.commit_index, at, index);
    return;
  } else {
    return;
  }
  set_point(lane.last_index, at, last);
}

// Partitions and cuts as bands: each server's band says whom it can still reach. The servers of
// one group get the same label ("group s0 s1"), so the page colours them alike.
void RunPictureBuilder::on_links(const sim::TraceEvent& event) {
  const std::string links = event.text.str();
  const auto n = static_cast<size_t>(servers_);
  if (links.size() != n * n) return;
  const int64_t at = event.at.ns();
  for (size_t self = 0; self < n; ++self) {
    std::vector<int> to, from, both;
    for (size_t other = 0; other < n; ++other) {
      const bool out = links[self * n + other] == '1';
      const bool in = links[other * n + self] == '1';
      if (out) to.push_back(static_cast<int>(other));
      if (in) from.push_back(static_cast<int>(other));
      if (out && in) both.push_back(static_cast<int>(other));
    }
    std::string label;
    if (to.size() == n && from.size() == n) {
      label.clear();  // reaches everyone both ways
    } else if (to == from) {
      label = both.size() == 1 ? "isolated" : "group " + names_of(both, names_);
    } else {
      label =
          fmt::format("sends to {}; hears from {}", names_of(to, names_), names_of(from, names_));
    }
    std::optional<RunPicture::Span>& open = open_[self].links;
    if (open && open->label == label) continue;
    close(open, lanes_[self].bands, at);
    if (!label.empty()) open = RunPicture::Span{at, at, "partition", 0, label};
  }
}

void RunPictureBuilder::on_fault(const sim::TraceEvent& event) {
  const int64_t at = event.at.ns();
  const std::string text = event.text.str();
  const Json fields = fault_fields(text);
  const int node = event.node >= 0 ? event.node : int_field(fields, "node");
  const int from = int_field(fields, "from");
  const int to = int_field(fields, "to");
  const auto duration_ns = static_cast<int64_t>(number_field(fields, "duration_ms") * 1e6);
  const bool on_server = node >= 0 && node < servers_;
  std::string label = event.topic;
  if (on_server) {
    label += " " + name(node);
  } else if (from >= 0 && to >= 0) {
    label += fmt::format(" {}→{}", name(from), name(to));
  }
  if (const size_t leader = text.find(" leader="); leader != std::string::npos) {
    const int resolved = std::atoi(text.c_str() + leader + 8);
    label += fmt::format(" (leader {})", name(resolved));
  }
  if (text.find(" fired") != std::string::npos) label += " fired";
  faults_.push_back({at, on_server ? node : -1, label, text});

  auto band = [&](int on, const char* kind, std::string band_label) {
    if (on < 0 || on >= servers_) return;
    lanes_[static_cast<size_t>(on)].bands.push_back(
        {at, at + duration_ns, kind, 0, std::move(band_label)});
  };
  const std::string& kind = event.topic;
  if (kind == "clog") {
    if (on_server) {
      band(node, "clog", "clogged");
    } else {
      const std::string link = fmt::format("link {}→{} clogged", name(from), name(to));
      band(from, "clog", link);
      band(to, "clog", link);
    }
  } else if (kind == "disk_stall") {
    band(node, "disk-stall", "disk stalled");
  } else if (kind == "disk_slow" && on_server) {
    Open& open = open_[static_cast<size_t>(node)];
    close(open.slow, lanes_[static_cast<size_t>(node)].bands, at);
    open.slow = RunPicture::Span{at, at, "disk-slow", 0,
                                 fmt::format("disk {}x slower", number_field(fields, "factor"))};
  } else if (kind == "disk_restore" && on_server) {
    close(open_[static_cast<size_t>(node)].slow, lanes_[static_cast<size_t>(node)].bands, at);
  } else if (kind == "clock_drift" && on_server) {
    Open& open = open_[static_cast<size_t>(node)];
    close(open.drift, lanes_[static_cast<size_t>(node)].bands, at);
    const double ppm = number_field(fields, "ppm");
    if (ppm != 0) {
      open.drift = RunPicture::Span{at, at, "drift", 0, fmt::format("clock {:+} ppm", ppm)};
    }
  } else if (kind == "heal_all") {
    for (int server = 0; server < servers_; ++server) {
      Open& open = open_[static_cast<size_t>(server)];
      close(open.slow, lanes_[static_cast<size_t>(server)].bands, at);
      close(open.drift, lanes_[static_cast<size_t>(server)].bands, at);
    }
  }
}

RunPicture RunPictureBuilder::finish(std::string title, int64_t end_ns,
                                     std::optional<RunFailure> failure,
                                     const lin::PictureInput* history) const {
  RunPicture picture;
  picture.title = std::move(title);
  picture.end_ns = end_ns;
  picture.servers = lanes_;
  picture.faults = faults_;
  picture.failure = std::move(failure);
  for (size_t node = 0; node < picture.servers.size(); ++node) {
    RunPicture::Lane& lane = picture.servers[node];
    Open open = open_[node];
    close(open.role, lane.roles, end_ns);
    close(open.links, lane.bands, end_ns);
    close(open.slow, lane.bands, end_ns);
    close(open.drift, lane.bands, end_ns);
    if (open.down_since && end_ns > *open.down_since) {
      lane.down.push_back({*open.down_since, end_ns, "down", 0, "down"});
    }
    // Self-timed bands (clogs, stalls) may outlast the run: cut them at its end.
    std::erase_if(lane.bands, [end_ns](const RunPicture::Span& s) { return s.from_ns >= end_ns; });
    for (RunPicture::Span& span : lane.bands) span.to_ns = std::min(span.to_ns, end_ns);
    std::stable_sort(lane.bands.begin(), lane.bands.end(),
                     [](const auto& a, const auto& b) { return a.from_ns < b.from_ns; });
  }
  if (history != nullptr) {
    std::vector<bool> unplaced(history->operations.size(), false);
    for (const lin::PartitionResult& partition : history->result.partitions) {
      if (partition.verdict != lin::Verdict::illegal) continue;
      for (const uint32_t op : partition.unplaced) unplaced[op] = true;
    }
    for (size_t op = 0; op < history->operations.size(); ++op) {
      const auto& bar = history->operations[op];
      picture.operations.push_back({bar.client, bar.call_ns, bar.return_ns, bar.label,
                                    static_cast<bool>(unplaced[op]), bar.answer});
    }
  }
  return picture;
}

std::string run_picture_json(const RunPicture& picture) {
  auto spans = [](const std::vector<RunPicture::Span>& list, bool with_term) {
    Json out = Json::array();
    for (const RunPicture::Span& s : list) {
      Json row = {s.from_ns, s.to_ns, s.kind};
      row.push_back(with_term ? Json(s.term) : Json(s.label));
      out.push_back(std::move(row));
    }
    return out;
  };
  auto series = [](const std::vector<RunPicture::Point>& list) {
    Json out = Json::array();  // flat: time, value, time, value, ...
    for (const RunPicture::Point& p : list) {
      out.push_back(p.at_ns);
      out.push_back(p.value);
    }
    return out;
  };
  Json servers = Json::array();
  for (const RunPicture::Lane& lane : picture.servers) {
    Json down = Json::array();
    for (const RunPicture::Span& s : lane.down) down.push_back({s.from_ns, s.to_ns});
    servers.push_back({{"name", lane.name},
                       {"roles", spans(lane.roles, true)},
                       {"down", std::move(down)},
                       {"bands", spans(lane.bands, false)},
                       {"last_index", series(lane.last_index)},
                       {"commit_index", series(lane.commit_index)}});
  }
  Json faults = Json::array();
  for (const RunPicture::Mark& m : picture.faults) {
    faults.push_back({m.at_ns, m.node, m.label, m.detail});
  }
  Json operations = Json::array();
  for (const RunPicture::Operation& op : picture.operations) {
    operations.push_back({op.client, op.call_ns, op.return_ns ? Json(*op.return_ns) : Json(),
                          op.label, op.unplaced ? 1 : 0, op.answer});
  }
  Json out = {{"title", picture.title},
              {"end_ns", picture.end_ns},
              {"servers", std::move(servers)},
              {"faults", std::move(faults)},
              {"operations", std::move(operations)},
              {"failure", nullptr}};
  if (picture.failure) {
    const RunFailure& f = *picture.failure;
    out["failure"] = {{"status", f.status},
                      {"property", f.property},
                      {"message", f.message},
                      {"at_ns", f.at_ns},
                      {"nodes", f.nodes}};
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string run_html(const RunPicture& picture, const lin::PictureInput* history) {
  // The model goes inside a <script> element: a "<" in a string could close it, so every one is
  // written as the JSON escape \u003c (outside strings JSON has no "<").
  std::string data;
  for (const char c : run_picture_json(picture)) {
    if (c == '<') {
      data += "\\u003c";
    } else {
      data += c;
    }
  }
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  out += lin::escape_markup("raftsim run: " + picture.title);
  out += "</title>\n<script>";
  out += detail::kErrorCatcherJs;
  out += "</script>\n<style>";
  out += lin::history_css();
  out += detail::kRunCss;
  out += "</style>\n</head>\n<body>\n<h1>raftsim run</h1>\n";
  out += detail::kRunSkeleton;
  out += "<script type=\"application/json\" id=\"run-data\">";
  out += data;
  out += "</script>\n<script>";
  out += detail::kRunJs;
  out += "</script>\n";
  if (history != nullptr) {
    out += "<h1>Client history</h1>\n";
    out += lin::render_history_sections({*history});
    out += "<script>";
    out += lin::history_script();
    out += "</script>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace views
