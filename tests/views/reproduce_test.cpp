#include "views/reproduce.h"

#include <catch2/catch.hpp>
#include <filesystem>

TEST_CASE("reproduce: the lab command lists only what differs from the defaults",
          "[views][reproduce]") {
  views::LabRun run;
  run.seed = 7;
  run.impl = "skeleton";
  run.program = "./lab_3a";
  run.test = "TestInitialElection3A";
  CHECK(views::lab_reproduce_command(run) ==
        "RAFTSIM_SEED=7 RAFTSIM_IMPL=skeleton ./lab_3a TestInitialElection3A");
  run.kv = "mykv";
  run.mutant = "figure8-commit";
  run.fibers_max = 500;
  CHECK(views::lab_reproduce_command(run) ==
        "RAFTSIM_SEED=7 RAFTSIM_IMPL=skeleton RAFTSIM_KV=mykv RAFTSIM_MUTANT=figure8-commit "
        "RAFTSIM_FIBERS_MAX=500 ./lab_3a TestInitialElection3A");
  run.ignored_properties = {"Leader Commit Rule", "Vote Quorum"};
  CHECK(views::lab_reproduce_command(run) ==
        "RAFTSIM_SEED=7 RAFTSIM_IMPL=skeleton RAFTSIM_KV=mykv RAFTSIM_MUTANT=figure8-commit "
        "RAFTSIM_FIBERS_MAX=500 RAFTSIM_IGNORE_PROPERTY='Leader Commit Rule,Vote Quorum' ./lab_3a "
        "TestInitialElection3A");
}

TEST_CASE("reproduce: words a shell would split or expand are quoted", "[views][reproduce]") {
  views::LabRun run;
  run.impl = "my raft";
  run.program = "/tmp/it's here/lab_4a";
  run.test = "TestBasic4A";
  CHECK(views::lab_reproduce_command(run) ==
        "RAFTSIM_SEED=1 RAFTSIM_IMPL='my raft' '/tmp/it'\\''s here/lab_4a' TestBasic4A");
  CHECK(views::shell_quote("") == "''");
  CHECK(views::shell_quote("$HOME") == "'$HOME'");
}

TEST_CASE("reproduce: the artifact directory names the test, the code and the seed",
          "[views][reproduce]") {
  views::LabRun run;
  run.seed = 3;
  run.test = "TestBasic4A";
  CHECK(views::lab_artifact_name(run) == "TestBasic4A-seed3");
  run.impl = "skeleton";
  run.kv = "my/kv";
  run.mutant = "kv-no-dedup";
  CHECK(views::lab_artifact_name(run) == "TestBasic4A-skeleton-kv-my_kv-kv-no-dedup-seed3");
}

TEST_CASE("reproduce: a program below the current directory is shown relative to it",
          "[views][reproduce]") {
  const std::filesystem::path here = std::filesystem::current_path();
  CHECK(views::shown_path(here / "lab_3a") == "./lab_3a");
  CHECK(views::shown_path(here / "labs" / "lab_3a") == "labs/lab_3a");
  CHECK(views::shown_path("/nonexistent-root/lab_3a") == "/nonexistent-root/lab_3a");
}
