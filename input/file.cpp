#include "input/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "input/escape.h"

namespace input {
namespace {

std::string too_large(size_t bytes_max) {
  return "larger than the limit of " + std::to_string(bytes_max) + " bytes for this kind of file";
}

// Reads `fd` to its end, failing past `bytes_max` bytes.
std::string read_all(int fd, size_t bytes_max, std::string& text) {
  std::vector<char> buffer(size_t{1} << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::string("cannot read: ") + std::strerror(errno);
    if (n == 0) return {};
    if (text.size() + static_cast<size_t>(n) > bytes_max) return too_large(bytes_max);
    text.append(buffer.data(), static_cast<size_t>(n));
  }
}

}  // namespace

FileText read_file(const std::string& path, size_t bytes_max) {
  namespace fs = std::filesystem;
  FileText result;
  auto fail = [&](const std::string& problem) {
    result.text.clear();
    result.text.shrink_to_fit();
    result.error = escape(path) + ": " + problem;
    return result;
  };
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (error) return fail("cannot open: " + error.message());
  switch (status.type()) {
    case fs::file_type::regular: {
      const uintmax_t size = fs::file_size(path, error);
      if (error) return fail("cannot open: " + error.message());
      if (size > bytes_max) return fail(too_large(bytes_max));
      result.text.reserve(static_cast<size_t>(size));
      break;
    }
    case fs::file_type::fifo:
    case fs::file_type::character:
      break;
    case fs::file_type::directory:
      return fail("is a directory, not a file");
    default:
      return fail("is not a regular file");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(std::string("cannot open: ") + std::strerror(errno));
  std::string problem = read_all(fd, bytes_max, result.text);
  ::close(fd);
  if (!problem.empty()) return fail(problem);
  return result;
}

}  // namespace input
