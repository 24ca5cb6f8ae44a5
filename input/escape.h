// Making untrusted text safe to show on one line of a terminal: every error message a reader
// prints passes through here, so a file name or a value from a hostile file cannot move the
// cursor, clear the screen, change colors or split the line.
#pragma once

#include <string>
#include <string_view>

namespace input {

// `text` with every control character (C0, DEL, C1), invisible bidirectional override and byte
// that is not part of valid UTF-8 replaced by an escape: \n, \r, \t, \xHH for other bytes,
// \u{HHHH} for code points. Printable ASCII and other valid UTF-8 pass unchanged, backslashes
// included, so escaping an escaped text changes nothing.
std::string escape(std::string_view text);

// A short excerpt of a value for an error message: escape(text) of at most `bytes_max` bytes of
// `text` (never splitting a UTF-8 sequence), followed by "..." when it was cut.
std::string excerpt(std::string_view text, size_t bytes_max = 60);

}  // namespace input
