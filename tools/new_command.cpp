// `raftsim new DIR [--name NAME]`: starts a student's own project, out of raftsim's tree: a CMake
// project that finds the installed raftsim package and builds, with raftsim_add_labs, its own
// raftsim CLI and lab programs; the skeleton Raft and KV server (embedded in this binary from
// raft/skeleton/ and raft/kv/skeleton/) renamed to NAME; and the one file that registers both.
//
// Contract: DIR must not exist or be an empty directory; nothing is ever overwritten. NAME
// (default: DIR's last component, lowercased, '-' and '.' as '_') must be a lowercase C++
// identifier that is not a keyword nor a built-in implementation's name. When this raftsim is an
// installed one (PREFIX/bin/raftsim beside PREFIX/lib*/cmake/raftsim), the project's find_package
// looks there first, so it configures without -DCMAKE_PREFIX_PATH. Exit 0 and the next steps on
// success; 64 for a bad name; 65 for a DIR that cannot be used or written (what was written is
// removed again).
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "input/escape.h"
#include "tools/command.h"
#include "tools/embedded_files.h"
#include "tools/run_support.h"

namespace raftsim::cli {
namespace {

namespace fs = std::filesystem;

struct NewOptions {
  std::string dir;
  std::string name;
};

constexpr std::array<std::string_view, 97> kKeywords = {"alignas",
                                                        "alignof",
                                                        "and",
                                                        "and_eq",
                                                        "asm",
                                                        "auto",
                                                        "bitand",
                                                        "bitor",
                                                        "bool",
                                                        "break",
                                                        "case",
                                                        "catch",
                                                        "char",
                                                        "char8_t",
                                                        "char16_t",
                                                        "char32_t",
                                                        "class",
                                                        "compl",
                                                        "concept",
                                                        "const",
                                                        "consteval",
                                                        "constexpr",
                                                        "constinit",
                                                        "const_cast",
                                                        "continue",
                                                        "co_await",
                                                        "co_return",
                                                        "co_yield",
                                                        "decltype",
                                                        "default",
                                                        "delete",
                                                        "do",
                                                        "double",
                                                        "dynamic_cast",
                                                        "else",
                                                        "enum",
                                                        "explicit",
                                                        "export",
                                                        "extern",
                                                        "false",
                                                        "float",
                                                        "for",
                                                        "friend",
                                                        "goto",
                                                        "if",
                                                        "inline",
                                                        "int",
                                                        "long",
                                                        "mutable",
                                                        "namespace",
                                                        "new",
                                                        "noexcept",
                                                        "not",
                                                        "not_eq",
                                                        "nullptr",
                                                        "operator",
                                                        "or",
                                                        "or_eq",
                                                        "private",
                                                        "protected",
                                                        "public",
                                                        "register",
                                                        "reinterpret_cast",
                                                        "requires",
                                                        "return",
                                                        "short",
                                                        "signed",
                                                        "sizeof",
                                                        "static",
                                                        "static_assert",
                                                        "static_cast",
                                                        "struct",
                                                        "switch",
                                                        "template",
                                                        "this",
                                                        "thread_local",
                                                        "throw",
                                                        "true",
                                                        "try",
                                                        "typedef",
                                                        "typeid",
                                                        "typename",
                                                        "union",
                                                        "unsigned",
                                                        "using",
                                                        "virtual",
                                                        "void",
                                                        "volatile",
                                                        "wchar_t",
                                                        "while",
                                                        "xor",
                                                        "xor_eq",
                                                        "final",
                                                        "override",
                                                        "import",
                                                        "module",
                                                        "std"};

// Names the project's namespaces and files take; those would clash with raftsim's own.
constexpr std::array<std::string_view, 8> kTaken = {"reference", "skeleton", "raft",      "kv",
                                                    "sim",       "checkers", "scenarios", "input"};

std::string default_name(const std::string& dir) {
  std::string base = fs::path(dir).lexically_normal().filename().string();
  if (base.empty()) base = fs::path(dir).lexically_normal().parent_path().filename().string();
  std::string name;
  for (char c : base) {
    const auto u = static_cast<unsigned char>(c);
    name += (c == '-' || c == '.') ? '_' : static_cast<char>(std::tolower(u));
  }
  return name;
}

// "" when `name` can name the project, else why not.
std::string name_problem(const std::string& name) {
  if (name.empty()) return "it is empty";
  if (name.size() > 32) return "it is longer than 32 characters";
  if (name[0] < 'a' || name[0] > 'z') return "it must start with a lowercase letter";
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return "it may hold only lowercase letters, digits and '_'";
    }
  }
  if (std::find(kKeywords.begin(), kKeywords.end(), name) != kKeywords.end()) {
    return "it is a C++ keyword";
  }
  if (std::find(kTaken.begin(), kTaken.end(), name) != kTaken.end()) {
    return "raftsim uses that name itself";
  }
  return "";
}

// my_raft -> MyRaft: the skeleton's class names (SkeletonRaft) with the project's name.
std::string camel(const std::string& name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

void replace_all(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// A skeleton file as the project's own: its include paths, namespaces, names and (for a header)
// the opening comment, which spoke of the skeleton in raftsim's tree.
std::string adapt(std::string_view skeleton, const std::string& name, const std::string& header) {
  std::string text(skeleton);
  replace_all(text, "raft/kv/skeleton/skeleton.h", name + "/kv.h");
  replace_all(text, "raft/skeleton/skeleton.h", name + "/raft.h");
  replace_all(text, "Skeleton", camel(name));
  replace_all(text, "skeleton", name);
  if (!header.empty()) {
    size_t body = 0;
    while (text.compare(body, 2, "//") == 0) body = text.find('\n', body) + 1;
    text = header + text.substr(body);
  }
  return text;
}

// The installed package's prefix when this raftsim is an installed one, else "".
std::string installed_prefix() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error || exe.parent_path().filename() != "bin") return "";
  const fs::path prefix = exe.parent_path().parent_path();
  for (const char* lib : {"lib", "lib64", "lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu"}) {
    if (fs::is_regular_file(prefix / lib / "cmake/raftsim/raftsimConfig.cmake", error)) {
      return prefix.string();
    }
  }
  return "";
}

std::string cmake_lists(const std::string& name, const std::string& prefix) {
  const std::string hints =
      prefix.empty() ? ""
                     : fmt::format("\n  # Where `raftsim new` ran from.\n  HINTS \"{}\"", prefix);
  return fmt::format(
      R"(# {name}: a Raft and a KV server tested with raftsim (made by `raftsim new`).
#
#   cmake -S . -B build          # add -DCMAKE_PREFIX_PATH=<raftsim's install prefix> if raftsim
#   cmake --build build -j       # is installed somewhere find_package does not look
#   build/raftsim lab --impl {name} --kv {name}
cmake_minimum_required(VERSION 3.25)
project({name} LANGUAGES CXX)

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE RelWithDebInfo)
endif()

find_package(raftsim REQUIRED{hints})

# Builds, in this build tree, raftsim and the lab programs lab_3a ... lab_4b, knowing the Raft and
# the KV server that {name}/register.cpp registers. Add your new source files here.
raftsim_add_labs(
  SOURCES {name}/raft.cpp {name}/kv.cpp {name}/register.cpp
  INCLUDE_DIRECTORIES ${{CMAKE_CURRENT_SOURCE_DIR}})
)",
      fmt::arg("name", name), fmt::arg("hints", hints));
}

std::string register_cpp(const std::string& name) {
  return fmt::format(
      R"(// Registers {name}'s Raft and KV server with raftsim under the name "{name}":
// `raftsim lab --impl {name} --kv {name}`, RAFTSIM_IMPL={name} RAFTSIM_KV={name} for the lab programs.
#include "{name}/kv.h"
#include "{name}/raft.h"
#include "raft/kv/registry.h"
#include "raft/registry.h"

// The last argument says whether your Raft reports every raft::Observer event itself
// (raft/observer.h). Set it to true once it does: the strongest safety checks then run.
RAFTSIM_REGISTER_IMPLEMENTATION("{name}", "{name}'s Raft", &raft::{name}::make_{name}, false);
RAFTSIM_REGISTER_KV_SERVICE("{name}", "{name}'s KV server", &kv::{name}::make_{name},
                            &kv::{name}::snapshot_index);
)",
      fmt::arg("name", name));
}

struct ProjectFile {
  std::string path;  // relative to DIR
  std::string text;
};

std::vector<ProjectFile> project_files(const std::string& name) {
  std::vector<ProjectFile> files;
  files.push_back({"CMakeLists.txt", cmake_lists(name, installed_prefix())});
  for (const EmbeddedFile& file : skeleton_files()) {
    std::string header;
    if (file.name == "raft.h") {
      header = fmt::format(
          "// {0}'s Raft, started from raftsim's skeleton by `raftsim new`: fill in each TODO in\n"
          "// raft.cpp (docs/write-your-own-raft.md in raftsim walks through it).\n",
          name);
    } else if (file.name == "kv.h") {
      header = fmt::format(
          "// {0}'s KV server (the course's lab 4), started from raftsim's skeleton by `raftsim\n"
          "// new`: fill in each TODO in kv.cpp.\n",
          name);
    }
    files.push_back({name + "/" + std::string(file.name), adapt(file.text, name, header)});
  }
  files.push_back({name + "/register.cpp", register_cpp(name)});
  return files;
}

int run_new(const NewOptions& options) {
  const std::string name = options.name.empty() ? default_name(options.dir) : options.name;
  if (const std::string problem = name_problem(name); !problem.empty()) {
    fmt::print(stderr, "raftsim new: cannot name the project '{}': {}{}\n", input::escape(name),
               problem, options.name.empty() ? " (choose one with --name)" : "");
    return kExitUsage;
  }
  const fs::path dir(options.dir);
  std::error_code error;
  const bool existed = fs::exists(dir, error);
  if (existed && (!fs::is_directory(dir, error) || !fs::is_empty(dir, error))) {
    fmt::print(stderr, "raftsim new: {} already exists and is not an empty directory\n",
               input::escape(options.dir));
    return kExitBadInput;
  }
  auto undo = [&] {
    // DIR was absent or empty: everything in it is this command's.
    if (!existed) {
      fs::remove_all(dir, error);
      return;
    }
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
      fs::remove_all(entry.path(), error);
    }
  };
  for (const ProjectFile& file : project_files(name)) {
    const fs::path path = dir / file.path;
    fs::create_directories(path.parent_path(), error);
    if (error) {
      fmt::print(stderr, "raftsim new: cannot create {}: {}\n",
                 input::escape(path.parent_path().string()), error.message());
      undo();
      return kExitBadInput;
    }
    if (!write_file(path.string(), file.text)) {
      undo();
      return kExitBadInput;
    }
  }
  fmt::print(
      "made {dir}: {name}'s Raft ({name}/raft.cpp) and KV server ({name}/kv.cpp), from the "
      "skeletons\n"
      "next:\n"
      "  cmake -S {dir} -B {dir}/build\n"
      "  cmake --build {dir}/build -j\n"
      "  {dir}/build/raftsim lab --impl {name} --part 3A\n",
      fmt::arg("dir", input::escape(options.dir)), fmt::arg("name", name));
  return kExitOk;
}

}  // namespace

void add_new_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<NewOptions>();
  auto* cmd = app.add_subcommand(
      "new",
      "Start your own Raft and KV server: a project, out of raftsim's tree, from the skeletons");
  cmd->add_option("dir", options->dir, "Directory to create (must not exist, or be empty)")
      ->required();
  cmd->add_option("--name", options->name,
                  "Name of your implementation: --impl NAME, --kv NAME, namespaces raft::NAME and "
                  "kv::NAME (default: DIR's name)");
  cmd->callback([&action, options] { action = [options] { return run_new(*options); }; });
}

}  // namespace raftsim::cli
