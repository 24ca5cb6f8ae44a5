// Reading an input file whole, with a size limit, for every reader of the CLI (scenarios,
// reports, histories). One helper, so that every reader treats a directory, a device, a file it
// may not open and an endless stream (/dev/zero) the same way: as bad input with one clear line.
//
// Contract: never throws (but std::bad_alloc) and never reads more than `bytes_max` + 1 bytes.
// Regular files are checked against the limit before reading and again while reading (a file
// may grow); FIFOs and character devices (a pipe, /dev/stdin) are read up to the limit. Anything
// else (a directory, a socket) is refused without reading.
#pragma once

#include <string>

namespace input {

struct FileText {
  std::string text;   // the contents, when error is empty
  std::string error;  // one line: "PATH: problem", the path escaped (escape.h)
  bool ok() const { return error.empty(); }
};

FileText read_file(const std::string& path, size_t bytes_max);

}  // namespace input
