#include "input/file.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

fs::path scratch(const std::string& name) {
  fs::path path =
      fs::temp_directory_path() / ("raftsim-input-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(path);
  fs::create_directories(path);
  return path;
}

}  // namespace

TEST_CASE("read_file: a regular file within the limit is read whole") {
  const fs::path dir = scratch("regular");
  std::ofstream(dir / "f.json", std::ios::binary) << std::string(1000, 'x') << '\0' << "end";
  const input::FileText file = input::read_file((dir / "f.json").string(), 1004);
  REQUIRE(file.ok());
  CHECK(file.text.size() == 1004);
  fs::remove_all(dir);
}

TEST_CASE("read_file: a file over the limit is refused, naming the file and the limit") {
  const fs::path dir = scratch("large");
  std::ofstream(dir / "f.json", std::ios::binary) << std::string(1001, 'x');
  const input::FileText file = input::read_file((dir / "f.json").string(), 1000);
  REQUIRE_FALSE(file.ok());
  CHECK_THAT(file.error, StartsWith((dir / "f.json").string() + ": larger than the limit of 1000"));
  CHECK(file.text.empty());
  fs::remove_all(dir);
}

TEST_CASE("read_file: an endless device is read only up to the limit") {
  const input::FileText file = input::read_file("/dev/zero", 1 << 20);
  REQUIRE_FALSE(file.ok());
  CHECK(file.error == "/dev/zero: larger than the limit of 1048576 bytes for this kind of file");
}

TEST_CASE("read_file: a FIFO is read to its end") {
  const fs::path dir = scratch("fifo");
  const std::string fifo = (dir / "pipe").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const pid_t writer = fork();
  if (writer == 0) {
    std::ofstream(fifo, std::ios::binary) << "{\"a\": 1}";
    _exit(0);
  }
  const input::FileText file = input::read_file(fifo, 100);
  waitpid(writer, nullptr, 0);
  REQUIRE(file.ok());
  CHECK(file.text == "{\"a\": 1}");
  fs::remove_all(dir);
}

TEST_CASE("read_file: directories, missing files and unreadable paths are one clear line") {
  const fs::path dir = scratch("kinds");
  CHECK(input::read_file(dir.string(), 100).error == dir.string() + ": is a directory, not a file");
  CHECK_THAT(input::read_file((dir / "missing.json").string(), 100).error,
             StartsWith((dir / "missing.json").string() + ": cannot open: "));
  // A name too long to look up: std::filesystem::exists would throw here.
  const std::string long_name = (dir / std::string(5000, 'x')).string();
  CHECK_THAT(input::read_file(long_name, 100).error, Contains(": cannot open: File name too long"));
  // Control characters in the name are escaped.
  const fs::path odd = dir / "a\x1b[31m\nb";
  fs::create_directories(odd);
  CHECK(input::read_file(odd.string(), 100).error ==
        dir.string() + "/a\\x1b[31m\\nb: is a directory, not a file");
  fs::remove_all(dir);
}
