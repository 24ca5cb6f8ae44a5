// Quoting strings for human-readable reports: JSON-style double quotes with escapes, so that an
// empty value, spaces and control characters are all visible.
#pragma once

#include <string>
#include <string_view>

namespace checkers::linearizability::detail {

std::string quote(std::string_view text);

}  // namespace checkers::linearizability::detail
