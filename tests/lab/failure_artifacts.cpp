#include "tests/lab/failure_artifacts.h"

#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "views/history_picture.h"
#include "views/log_view.h"
#include "views/perfetto_export.h"

namespace lab {
namespace {

namespace fs = std::filesystem;

// Writes `text` to dir/name; on failure returns why.
std::string write_text(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return fmt::format("cannot write {}: {}", (dir / name).string(), std::strerror(errno));
  return "";
}

std::string failure_text(const FailureDescription& d) {
  const bool same = d.fingerprint == d.rerun_fingerprint;
  return fmt::format(
      "test: {}\nseed: {}\ncode: {}\nkind: {}\nat: {} simulated\nfingerprint: {}\n"
      "re-run for these artifacts: fingerprint {}{}\nreproduce: {}\n\n{}\n",
      d.test, d.seed, d.code, d.failure.kind, sim::to_string(d.failure.at),
      sim::fingerprint_hex(d.fingerprint), sim::fingerprint_hex(d.rerun_fingerprint),
      same ? " (identical)" : " (DIFFERS: the run is not deterministic)", d.reproduce,
      d.failure.message);
}

}  // namespace

ArtifactsWritten write_failure_artifacts(const fs::path& dir, const FailureDescription& description,
                                         const Tester& tester,
                                         const std::set<std::string>& log_topics) {
  ArtifactsWritten written;
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    written.error = fmt::format("cannot create {}: {}", dir.string(), error.message());
    return written;
  }
  const std::vector<sim::TraceEvent>& events = tester.world().trace().all();
  const std::vector<std::string> names = tester.node_names();
  const auto write = [&](const std::string& name, const std::string& text) {
    if (!written.error.empty()) return;
    written.error = write_text(dir, name, text);
    if (written.error.empty()) written.files.push_back(name);
  };
  write("failure.txt", failure_text(description));
  if (written.error.empty()) {
    const fs::path log_path = dir / "log.txt";
    std::FILE* log = std::fopen(log_path.c_str(), "w");
    if (log == nullptr) {
      written.error = fmt::format("cannot write {}: {}", log_path.string(), std::strerror(errno));
    } else {
      views::LogViewOptions options;
      options.topics = log_topics;
      options.node_names = names;
      options.servers = tester.servers();
      views::LogView view(options, log);
      for (const sim::TraceEvent& event : events) view(event);
      if (std::fclose(log) != 0) {
        written.error = fmt::format("cannot write {}: {}", log_path.string(), std::strerror(errno));
      } else {
        written.files.push_back("log.txt");
      }
    }
  }
  write("trace.perfetto.json", views::perfetto_json(events, names, tester.servers()));
  std::string lines;
  for (const sim::TraceEvent& event : events) lines += sim::Trace::to_json(event) + "\n";
  write("events.jsonl", lines);
  const std::string history = tester.history_json();
  if (!history.empty()) {
    write("history.json", history);
    write("history.html", views::history_html(history, fmt::format("{} seed {}", description.test,
                                                                   description.seed)));
  }
  return written;
}

}  // namespace lab
