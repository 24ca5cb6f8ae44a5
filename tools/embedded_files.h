// Text files embedded in the raftsim binary at build time (cmake/embed_files.cmake).
#pragma once

#include <span>
#include <string_view>

namespace raftsim::cli {

struct EmbeddedFile {
  std::string_view name;  // the name it is embedded under
  std::string_view text;  // the file's text
};

// The skeleton Raft and KV server, which `raftsim new` writes into a project: "raft.h",
// "raft.cpp" (raft/skeleton/skeleton.*) and "kv.h", "kv.cpp" (raft/kv/skeleton/skeleton.*).
std::span<const EmbeddedFile> skeleton_files();

}  // namespace raftsim::cli
