// The main of every fuzz driver when it is built without libFuzzer (g++, the release and asan
// presets). Two modes:
//
//   fuzz_<reader> PATH...
//       Replays every file of each directory PATH (or the file PATH) through the driver, in
//       name order, in-process. ctest runs this over tests/fuzz/corpus/<reader>/: the seeds and
//       every input that ever was a finding, so each one stays fixed.
//
//   fuzz_<reader> --mutate N --seed S [--timeout-ms T] [--findings DIR] CORPUS_DIR
//       A deterministic mutation campaign: input i (0 <= i < N) is drawn from (S, i) alone by
//       mutating one or two corpus files (byte flips, truncation, deleted and duplicated ranges
//       and members, type swaps, huge, negative and non-finite numbers, deep nesting, long
//       strings, odd unicode, splices). The inputs run in a forked worker; an input that makes it
//       die (an abort from the driver's checks, a signal, a sanitizer report) or run past T ms
//       of wall time (default 2000) is a finding: it is written to DIR (default
//       fuzz-findings/) as finding-<i>.bin, the worker is restarted after it, and the campaign
//       goes on. Prints a summary (inputs run, accepted, rejected, findings, inputs/second) and
//       exits 1 when there was any finding.
//
// Accepted and rejected are told apart by fuzz::rejected (fuzz_target.h). The wall-clock limit is a
// test tool's, outside any simulation.
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz_target.h"

namespace {

namespace fs = std::filesystem;

std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<fs::path> files_of(const std::string& argument) {
  std::vector<fs::path> files;
  if (fs::is_directory(argument)) {
    for (const auto& entry : fs::directory_iterator(argument)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.emplace_back(argument);
  }
  return files;
}

// Runs the driver on `input`; true when it was rejected (cleanly: a finding aborts).
bool run_one(const std::string& input) {
  fuzz::rejected = false;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  return fuzz::rejected;
}

int replay(int argc, char** argv) {
  size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    for (const fs::path& file : files_of(argv[i])) {
      run_one(read_whole(file));
      ++count;
    }
  }
  if (count == 0) {
    std::fprintf(stderr, "no corpus files found\n");
    return 1;
  }
  std::printf("replayed %zu files: no finding\n", count);
  return 0;
}

// splitmix64: the campaign's only randomness, so input i depends on (seed, i) alone.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

 private:
  uint64_t state_;
};

// Where the values of a JSON or EDN text are: number, string and literal tokens, and the
// starts of collections.
struct Token {
  size_t begin = 0;
  size_t end = 0;
  char kind = 0;  // 'n' number, 's' string, 'l' literal or keyword, '[' collection start
};

std::vector<Token> tokens_of(const std::string& text) {
  std::vector<Token> tokens;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      j = std::min(j + 1, text.size());
      tokens.push_back({i, j, 's'});
      i = j;
    } else if ((c >= '0' && c <= '9') || c == '-') {
      size_t j = i + 1;
      while (j < text.size() && std::strchr("0123456789.eE+-", text[j]) != nullptr) ++j;
      tokens.push_back({i, j, 'n'});
      i = j;
    } else if ((c >= 'a' && c <= 'z') || c == ':') {
      size_t j = i + 1;
      while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) ||
                                 text[j] == '-' || text[j] == '_' || text[j] == '?')) {
        ++j;
      }
      tokens.push_back({i, j, 'l'});
      i = j;
    } else if (c == '[' || c == '{' || c == '(') {
      tokens.push_back({i, i + 1, '['});
      ++i;
    } else {
      ++i;
    }
  }
  return tokens;
}

const std::vector<std::string> kNumbers = {"1e400",
                                           "-1e400",
                                           "1e-400",
                                           "NaN",
                                           "Infinity",
                                           "-Infinity",
                                           "-1",
                                           "-0",
                                           "0.5",
                                           "1.5e3",
                                           "18446744073709551615",
                                           "18446744073709551616",
                                           "-9223372036854775808",
                                           "-9223372036854775809",
                                           "9223372036854775807",
                                           "99999999999999999999999999",
                                           "4294967296",
                                           "2147483648",
                                           "86400001",
                                           "0",
                                           "1",
                                           "15",
                                           "16",
                                           "64",
                                           "65",
                                           "100000",
                                           "100001",
                                           "1N",
                                           "1/2",
                                           "##Inf",
                                           "##NaN",
                                           "0x10",
                                           "1e",
                                           "--1",
                                           "1.7976931348623157e308"};
const std::vector<std::string> kValues = {
    "null",  "true",  "false",     "0",      "\"\"", "\"x\"",   "[]",
    "{}",    "[1,2]", "{\"a\":1}", "[[[]]]", "nil",  ":invoke", ":ok",
    ":info", ":fail", "[0 1]",     "{:a 1}", "#{1}", "()",      "\\a"};
const std::vector<std::string> kOdd = {std::string("\0", 1),
                                       "\x1b[31m",
                                       "\x1b]0;title\x07",
                                       "\n",
                                       "\r",
                                       "\t",
                                       "\x7f",
                                       "\xff",
                                       "\xc0\x80",
                                       "\xed\xa0\x80",
                                       "\xe2\x80\xae",
                                       "\xe2\x80\xa8",
                                       "\xef\xbb\xbf",
                                       "\xf0\x9f\x98\x80",
                                       "\\u0000",
                                       "\\ud800",
                                       "\\udfff",
                                       "\\u202e",
                                       "\\u001b",
                                       "\\",
                                       "\"",
                                       "\xcc\x81",
                                       "\xe3\x81\x82"};

std::string repeated(const std::string& unit, size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (size_t i = 0; i < times; ++i) out += unit;
  return out;
}

// One mutation of `text`, chosen by `rng`; `other` is a second corpus file, for splices.
void mutate_once(std::string& text, const std::string& other, Rng& rng) {
  const std::vector<Token> tokens = tokens_of(text);
  auto token_of = [&](char kind) -> const Token* {
    std::vector<const Token*> matching;
    for (const Token& t : tokens) {
      if (kind == 0 || t.kind == kind) matching.push_back(&t);
    }
    return matching.empty() ? nullptr : matching[rng.below(matching.size())];
  };
  const size_t position = rng.below(text.size() + 1);
  switch (rng.below(12)) {
    case 0:  // flip a bit
      if (!text.empty()) text[rng.below(text.size())] ^= static_cast<char>(1u << rng.below(8));
      break;
    case 1:  // truncate
      text.resize(position);
      break;
    case 2: {  // delete a range
      const size_t length = std::min(text.size() - position, rng.below(64) + 1);
      text.erase(position, length);
      break;
    }
    case 3: {  // duplicate a range: repeated members, keys and entries
      const size_t length = std::min(text.size() - position, rng.below(200) + 1);
      text.insert(position, text.substr(position, length));
      break;
    }
    case 4:  // a number out of range, negative or not finite
      if (const Token* t = token_of('n'))
        text.replace(t->begin, t->end - t->begin, rng.pick(kNumbers));
      break;
    case 5:  // a value of another type
      if (const Token* t = token_of(0))
        text.replace(t->begin, t->end - t->begin, rng.pick(kValues));
      break;
    case 6: {  // deep nesting around a value
      const Token* t = token_of(0);
      const std::vector<size_t> depths = {31, 32, 33, 63, 64, 65, 199, 200, 201, 1000, 100000};
      const size_t depth = rng.pick(depths);
      const bool edn = rng.below(2) == 0;
      const size_t at = t ? t->begin : position;
      const size_t end = t ? t->end : position;
      text.insert(end, repeated(edn ? ")" : "]", depth));
      text.insert(at, repeated(edn ? "(" : "[", depth));
      break;
    }
    case 7: {  // a long string
      const std::vector<size_t> sizes = {61, 100, 2001, 65537, 1 << 20};
      const std::string value = "\"" + std::string(rng.pick(sizes), 'a' + rng.below(26)) + "\"";
      if (const Token* t = token_of('s')) {
        text.replace(t->begin, t->end - t->begin, value);
      } else {
        text.insert(position, value);
      }
      break;
    }
    case 8: {  // odd unicode and control characters, mostly inside strings
      const Token* t = token_of('s');
      const size_t at =
          t && t->end - t->begin >= 2 ? t->begin + 1 + rng.below(t->end - t->begin - 1) : position;
      text.insert(std::min(at, text.size()), rng.pick(kOdd));
      break;
    }
    case 9: {  // splice: a prefix of this file and a suffix of the other
      const size_t cut = rng.below(other.size() + 1);
      text = text.substr(0, position) + other.substr(cut);
      break;
    }
    case 10: {  // delete a member or an entry: from a string or keyword to the next comma
      if (const Token* t = token_of(rng.below(2) == 0 ? 's' : 'l')) {
        const size_t comma = text.find(',', t->end);
        text.erase(t->begin, (comma == std::string::npos ? text.size() : comma + 1) - t->begin);
      }
      break;
    }
    default: {  // a huge array of small values
      const std::vector<size_t> counts = {1000, 100000};
      const size_t count = rng.pick(counts);
      const bool edn = rng.below(2) == 0;
      std::string array = edn ? "[" + repeated("{:a 1} ", count) + "]"
                              : "[" + repeated("{\"a\":1},", count) + "{}]";
      if (const Token* t = token_of('[')) {
        text.insert(t->begin, array + (edn ? " " : ","));
      } else {
        text.insert(position, array);
      }
      break;
    }
  }
}

struct Corpus {
  std::vector<std::string> texts;
};

std::string draw_input(const Corpus& corpus, uint64_t seed, uint64_t index) {
  Rng rng(seed * 0x100000001B3ull ^ (index + 1) * 0x9E3779B97F4A7C15ull);
  std::string text = rng.pick(corpus.texts);
  const size_t mutations = 1 + rng.below(4);
  for (size_t m = 0; m < mutations; ++m) {
    const std::string& other = rng.pick(corpus.texts);
    mutate_once(text, other, rng);
    if (text.size() > (8u << 20)) text.resize(8u << 20);  // keep one input under 8 MiB
  }
  return text;
}

// Shared between the campaign and its worker: the worker's progress and tallies.
struct Shared {
  uint64_t next = 0;  // the input the worker runs now (or runs next)
  uint64_t accepted = 0;
  uint64_t rejected = 0;
};

struct Options {
  uint64_t inputs = 0;
  uint64_t seed = 1;
  long timeout_ms = 2000;
  std::string findings = "fuzz-findings";
  std::string corpus;
};

[[noreturn]] void worker(const Corpus& corpus, const Options& options, Shared* shared) {
  for (; shared->next < options.inputs; ++shared->next) {
    const std::string input = draw_input(corpus, options.seed, shared->next);
    itimerval limit{};
    limit.it_value.tv_sec = options.timeout_ms / 1000;
    limit.it_value.tv_usec = (options.timeout_ms % 1000) * 1000;
    setitimer(ITIMER_REAL, &limit, nullptr);
    const bool rejected = run_one(input);
    const itimerval off{};
    setitimer(ITIMER_REAL, &off, nullptr);
    ++(rejected ? shared->rejected : shared->accepted);
  }
  std::fflush(nullptr);
  _exit(0);
}

void write_finding(const Options& options, const Corpus& corpus, uint64_t index,
                   const std::string& why) {
  fs::create_directories(options.findings);
  const fs::path path = fs::path(options.findings) / ("finding-" + std::to_string(index) + ".bin");
  std::ofstream(path, std::ios::binary) << draw_input(corpus, options.seed, index);
  std::fprintf(stderr, "finding: input %llu (%s), written to %s\n",
               static_cast<unsigned long long>(index), why.c_str(), path.c_str());
}

int campaign(const Options& options) {
  Corpus corpus;
  for (const fs::path& file : files_of(options.corpus)) corpus.texts.push_back(read_whole(file));
  if (corpus.texts.empty()) {
    std::fprintf(stderr, "no corpus files in %s\n", options.corpus.c_str());
    return 1;
  }
  void* memory =
      mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    std::perror("mmap");
    return 1;
  }
  auto* shared = new (memory) Shared{};
  uint64_t findings = 0;
  const auto start = std::chrono::steady_clock::now();
  while (shared->next < options.inputs) {
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) {
      std::perror("fork");
      return 1;
    }
    if (pid == 0) worker(corpus, options, shared);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && shared->next >= options.inputs) break;
    std::string why = WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM
                          ? "ran past " + std::to_string(options.timeout_ms) + " ms"
                      : WIFSIGNALED(status) ? std::string("signal ") + strsignal(WTERMSIG(status))
                                            : "exit status " + std::to_string(WEXITSTATUS(status));
    write_finding(options, corpus, shared->next, why);
    ++findings;
    ++shared->next;  // the worker restarts after the finding
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "inputs run: %llu, accepted: %llu, rejected: %llu, findings: %llu, %.0f inputs/s "
      "(%.1f s)\n",
      static_cast<unsigned long long>(options.inputs),
      static_cast<unsigned long long>(shared->accepted),
      static_cast<unsigned long long>(shared->rejected), static_cast<unsigned long long>(findings),
      static_cast<double>(options.inputs) / std::max(seconds, 1e-9), seconds);
  return findings == 0 ? 0 : 1;
}

int usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s PATH...                  replay corpus files or directories\n"
               "       %s --mutate N --seed S [--timeout-ms T] [--findings DIR] CORPUS_DIR\n",
               program, program);
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(argv[0]);
  if (std::string_view(argv[1]) != "--mutate") return replay(argc, argv);
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--mutate" && has_value) {
      options.inputs = std::strtoull(argv[++i], nullptr, 10);
    } else if (flag == "--seed" && has_value) {
      options.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (flag == "--timeout-ms" && has_value) {
      options.timeout_ms = std::strtol(argv[++i], nullptr, 10);
    } else if (flag == "--findings" && has_value) {
      options.findings = argv[++i];
    } else if (flag.substr(0, 2) != "--" && options.corpus.empty()) {
      options.corpus = argv[i];
    } else {
      return usage(argv[0]);
    }
  }
  if (options.corpus.empty() || options.timeout_ms <= 0) return usage(argv[0]);
  return campaign(options);
}
