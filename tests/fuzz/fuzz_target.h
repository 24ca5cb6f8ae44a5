// What every fuzz driver in tests/fuzz/ shares: the libFuzzer entry point each defines, and the
// check that a reader's rejection is clean.
//
// A driver calls one reader's library function on the input, in-process, and aborts (a finding)
// on anything but a clean accept or a clean rejection. A clean rejection is one line that starts
// with the source name, names a position (a JSON path "$...", an EDN "line L" or "entry N", a
// byte offset, or "empty file") and holds no control character: what the CLI prints with exit
// 65. Built with -DRAFTSIM_FUZZ=ON (clang) a driver links libFuzzer's main; otherwise it links
// standalone_main.cpp, which replays corpora and runs seeded mutation campaigns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace fuzz {

// The source name drivers give the readers.
inline constexpr std::string_view kSource = "fuzz-input";

[[noreturn]] inline void finding(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz finding: %s: %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// Set by require_clean_rejection when the input was cleanly rejected; the standalone main clears
// it before each input to count rejections (libFuzzer ignores it).
inline bool rejected = false;

inline void require_clean_rejection(std::string_view message) {
  if (message.empty()) finding("empty rejection message", "");
  if (message.substr(0, kSource.size()) != kSource) finding("message without the source", message);
  for (char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) finding("unescaped control character in message", message);
  }
  // "SOURCE:LINE:COLUMN: malformed JSON" (the scenario loader's form).
  const size_t after = kSource.size() + 1;
  if (message.size() > after && message[after - 1] == ':' && message[after] >= '0' &&
      message[after] <= '9') {
    rejected = true;
    return;
  }
  for (std::string_view marker : {": $", "line ", "entry ", "byte ", "empty file"}) {
    if (message.find(marker) != std::string_view::npos) {
      rejected = true;
      return;
    }
  }
  finding("message naming no position", message);
}

}  // namespace fuzz
