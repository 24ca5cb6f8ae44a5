// `raftsim new`: a project from the skeletons, named after its directory or --name, that never
// overwrites anything; a bad name or a taken directory is a clear error with nothing written.
// (tests/docs builds such a project against an install and runs its labs.)
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "tests/cli/cli_run.h"

namespace fs = std::filesystem;

TEST_CASE("cli: raftsim new makes a project named after its directory", "[cli]") {
  const cli_test::ScratchDir dir("new");
  const cli_test::Result result = dir.raftsim("new My-Raft.2");
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("my_raft_2/raft.cpp"));
  for (const char* file : {"CMakeLists.txt", "my_raft_2/raft.h", "my_raft_2/raft.cpp",
                           "my_raft_2/kv.h", "my_raft_2/kv.cpp", "my_raft_2/register.cpp"}) {
    INFO(file);
    CHECK(fs::is_regular_file(dir.path() / "My-Raft.2" / file));
  }
  const std::string cmake = cli_test::read_text(dir.path() / "My-Raft.2" / "CMakeLists.txt");
  CHECK_THAT(cmake, Catch::Contains("find_package(raftsim REQUIRED") &&
                        Catch::Contains("my_raft_2/register.cpp"));
  const std::string reg = cli_test::read_text(dir.path() / "My-Raft.2" / "my_raft_2/register.cpp");
  CHECK_THAT(reg, Catch::Contains("RAFTSIM_REGISTER_IMPLEMENTATION(\"my_raft_2\"") &&
                      Catch::Contains("RAFTSIM_REGISTER_KV_SERVICE(\"my_raft_2\""));
  // The skeletons speak of the student's project, not of raftsim's own Raft.
  for (const char* file :
       {"my_raft_2/raft.h", "my_raft_2/raft.cpp", "my_raft_2/kv.h", "my_raft_2/kv.cpp"}) {
    INFO(file);
    const std::string text = cli_test::read_text(dir.path() / "My-Raft.2" / file);
    CHECK_THAT(text, !Catch::Contains("raft/reference") && !Catch::Contains("skeleton.h") &&
                         !Catch::Contains("Skeleton"));
  }

  // An empty directory may be used, with --name.
  fs::create_directories(dir.path() / "empty");
  const cli_test::Result named = dir.raftsim("new empty --name mine");
  CHECK(named.exit_code == 0);
  CHECK(fs::is_regular_file(dir.path() / "empty" / "mine" / "raft.cpp"));
}

TEST_CASE("cli: raftsim new never overwrites and rejects names C++ or raftsim cannot use",
          "[cli]") {
  const cli_test::ScratchDir dir("new-errors");
  fs::create_directories(dir.path() / "taken");
  dir.write("taken/notes.txt", "mine\n");
  const cli_test::Result taken = dir.raftsim("new taken");
  CHECK(taken.exit_code == 65);
  CHECK_THAT(taken.err, Catch::Contains("taken already exists and is not an empty directory"));
  CHECK(cli_test::read_text(dir.path() / "taken/notes.txt") == "mine\n");
  CHECK(!fs::exists(dir.path() / "taken/taken"));

  const struct {
    const char* args;
    const char* message;
  } bad[] = {
      {"new a --name 9lives", "cannot name the project '9lives': it must start with a lowercase"},
      {"new a --name class", "cannot name the project 'class': it is a C++ keyword"},
      {"new a --name My", "it must start with a lowercase letter"},
      {"new a --name my-raft", "it may hold only lowercase letters, digits and '_'"},
      {"new 42", "cannot name the project '42'"},
      {"new a --name reference", "raftsim uses that name itself"},
  };
  for (const auto& [args, message] : bad) {
    INFO(args);
    const cli_test::Result result = dir.raftsim(args);
    CHECK(result.exit_code == 64);
    CHECK_THAT(result.err, Catch::Contains(message));
    CHECK(result.out.empty());
    CHECK(!fs::exists(dir.path() / "a"));
  }
  CHECK(dir.raftsim("new").exit_code == 64);  // DIR is required
}
