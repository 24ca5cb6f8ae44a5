// End-to-end tests that the reports a campaign writes are never lost: campaigns sharing one --out
// keep each other's reports, a campaign killed mid-write leaves no truncated report, and a full
// filesystem leaves no truncated report and an error naming the file.
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/cli_run.h"

namespace {

using cli_test::Result;
using cli_test::ScratchDir;
using nlohmann::json;
namespace fs = std::filesystem;

// Every file in `dir`, by name.
std::set<std::string> file_names(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

bool is_picture(const std::string& name) {
  return name.size() > 5 && name.compare(name.size() - 5, 5, ".html") == 0;
}

// Each report in `dir` (written as --out out) is whole: it parses and names itself in its replay
// line. Returns how many. The run pictures beside them are whole too: each ends its document.
size_t check_reports_whole(const fs::path& dir) {
  size_t reports = 0;
  for (const std::string& name : file_names(dir)) {
    if (name.find(".partial-") != std::string::npos) continue;  // a temporary, never a report
    if (is_picture(name)) {
      const std::string html = cli_test::read_text(dir / name);
      CHECK(html.size() > 15);
      CHECK(html.compare(html.size() - 8, 8, "</html>\n") == 0);
      continue;
    }
    INFO(name);
    const json report = json::parse(cli_test::read_text(dir / name), nullptr, false);
    REQUIRE(!report.is_discarded());
    CHECK(report["replay"] == "raftsim replay out/" + name);
    ++reports;
  }
  return reports;
}

// The number of failed seeds in a campaign's summary line "seeds run N: A ok, B failed ...".
size_t failed_seeds(const std::string& out) {
  const size_t at = out.find(" ok, ");
  REQUIRE(at != std::string::npos);
  return std::stoul(out.substr(at + 5));
}

// A tmpfs of `kib` KiB mounted at a fresh directory, unmounted at scope exit. Mounting needs root
// (CI runs as root); elsewhere mounted() is false.
class TinyFilesystem {
 public:
  TinyFilesystem(const fs::path& at, int kib) : at_(at) {
    fs::create_directories(at_);
    const std::string options = "size=" + std::to_string(kib) + "k";
    mounted_ = ::mount("tmpfs", at_.c_str(), "tmpfs", 0, options.c_str()) == 0;
  }
  ~TinyFilesystem() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  TinyFilesystem(const TinyFilesystem&) = delete;
  TinyFilesystem& operator=(const TinyFilesystem&) = delete;
  bool mounted() const { return mounted_; }

 private:
  fs::path at_;
  bool mounted_ = false;
};

}  // namespace

TEST_CASE("fuzz: campaigns sharing one --out keep every report", "[fuzz][reports]") {
  ScratchDir dir("shared-out");
  const fs::path out = dir.path() / "out";
  const Result first = dir.raftsim("fuzz default --seeds 6 --mutant figure8-commit --out out");
  const Result second = dir.raftsim("fuzz default --seeds 6 --mutant no-prev-check --out out");
  INFO(first.out << first.err << second.out << second.err);
  REQUIRE(first.exit_code == 1);
  REQUIRE(second.exit_code == 1);
  const size_t failures = failed_seeds(first.out) + failed_seeds(second.out);
  CHECK(check_reports_whole(out) == failures);
  // Each report has its picture, under its own name (the second campaign's numbered like its
  // reports).
  const std::set<std::string> names = file_names(out);
  CHECK(static_cast<size_t>(std::count_if(names.begin(), names.end(), is_picture)) == failures);
  // The same campaign again writes the same reports: they are found, not written twice.
  const Result again = dir.raftsim("fuzz default --seeds 6 --mutant figure8-commit --out out");
  REQUIRE(again.exit_code == 1);
  const auto failure_lines = [](const std::string& text) {
    return text.substr(text.find("failures"));
  };
  CHECK(failure_lines(again.out) == failure_lines(first.out));
  CHECK(check_reports_whole(out) == failures);
}

TEST_CASE("fuzz: concurrent campaigns on one --out never overwrite each other", "[fuzz][reports]") {
  ScratchDir dir("concurrent-out");
  const std::string binary = RAFTSIM_BINARY;
  const std::string command =
      "cd '" + dir.path().string() + "' && (" + binary +
      " fuzz default --seeds 30 --mutant figure8-commit --out out >a.txt 2>&1 & " + binary +
      " fuzz default --seeds 30 --mutant no-election-restriction --out out >b.txt 2>&1 & wait)";
  REQUIRE(std::system(command.c_str()) == 0);
  const std::string a = cli_test::read_text(dir.path() / "a.txt");
  const std::string b = cli_test::read_text(dir.path() / "b.txt");
  INFO(a << b);
  CHECK(check_reports_whole(dir.path() / "out") == failed_seeds(a) + failed_seeds(b));
}

TEST_CASE("fuzz: a campaign killed mid-write leaves no truncated report", "[fuzz][reports]") {
  ScratchDir dir("killed");
  const fs::path out = dir.path() / "out";
  // A mutant that fails every seed, so reports are written all the time; killed at several moments.
  for (int delay_ms = 250; delay_ms <= 1350; delay_ms += 100) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      if (::chdir(dir.path().c_str()) != 0) ::_exit(127);
      std::freopen("/dev/null", "w", stdout);
      ::execl(RAFTSIM_BINARY, "raftsim", "fuzz", "default", "--seeds", "100000", "--jobs", "2",
              "--mutant", "figure8-commit", "--out", "out", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::usleep(static_cast<useconds_t>(delay_ms) * 1000);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    INFO("killed after " << delay_ms << " ms");
    if (fs::exists(out)) check_reports_whole(out);
  }
  CHECK(check_reports_whole(out) > 0);
  // The next campaign on the directory clears what the killed writers left.
  const Result next = dir.raftsim("fuzz default --seeds 1 --mutant figure8-commit --out out");
  REQUIRE(next.exit_code == 1);
  for (const std::string& name : file_names(out))
    CHECK(name.find(".partial-") == std::string::npos);
}

TEST_CASE("fuzz and run: a full filesystem leaves no truncated report and names the file",
          "[fuzz][reports]") {
  ScratchDir dir("tiny-fs");
  const fs::path out = dir.path() / "out";
  // Room for a few reports of about 8 KiB, not for forty.
  TinyFilesystem tiny(out, 48);
  if (!tiny.mounted()) {
    WARN("skipped: mounting a tmpfs needs root");
    return;
  }
  const Result r = dir.raftsim("fuzz default --seeds 40 --mutant figure8-commit --out out");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // the campaign's verdict stands
  CHECK(r.err.find("raftsim: cannot write out/default-seed") != std::string::npos);
  CHECK(r.err.find("No space left on device") != std::string::npos);
  const size_t written = check_reports_whole(out);
  CHECK(written > 0);
  CHECK(written < failed_seeds(r.out));
  for (const std::string& name : file_names(out))
    CHECK(name.find(".partial-") == std::string::npos);

  dir.write("short.json", cli_test::kShortCalm);
  const Result run = dir.raftsim("run short.json --seed 3 --html out/h.html");
  CHECK(run.exit_code == 65);
  CHECK(run.err.find("cannot write out/h.html: No space left on device") != std::string::npos);
  CHECK(!fs::exists(out / "h.html"));
}
