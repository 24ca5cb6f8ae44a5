// The strict JSON reader behind the scenario loader.
#include "scenarios/detail/json_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace scenarios::detail {
namespace {

constexpr size_t kShownBytesMax = 60;

// Cuts `text` to at most kShownBytesMax bytes without splitting a UTF-8 sequence.
std::string shorten(std::string text) {
  if (text.size() <= kShownBytesMax) return text;
  size_t end = kShownBytesMax;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "...";
}

bool is_identifier(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string plural(size_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

std::string describe(const Json& value) {
  if (value.is_array()) return "an array of " + plural(value.size(), "element");
  if (value.is_object()) return "an object with " + plural(value.size(), "field");
  return shorten(value.dump());
}

void fail(const std::string& path, const Json& value, std::string expected) {
  std::string shown = describe(value);
  throw LoadFailure{path, "got " + shown, shown, std::move(expected)};
}

void fail_missing(const std::string& path, std::string expected) {
  throw LoadFailure{path, "missing", "", std::move(expected)};
}

int64_t read_integer(const Json& value, const std::string& path, int64_t lo, int64_t hi,
                     std::string_view why) {
  auto expected = [&] {
    std::string text = fmt::format("an integer in [{}, {}]", lo, hi);
    return why.empty() ? text : fmt::format("{} ({})", text, why);
  };
  if (value.is_number_unsigned()) {
    auto v = value.get<uint64_t>();
    if (v > static_cast<uint64_t>(hi) || static_cast<int64_t>(v) < lo)
      fail(path, value, expected());
    return static_cast<int64_t>(v);
  }
  if (!value.is_number_integer()) fail(path, value, expected());
  auto v = value.get<int64_t>();
  if (v < lo || v > hi) fail(path, value, expected());
  return v;
}

double read_number(const Json& value, const std::string& path, double lo, double hi) {
  if (!value.is_number()) fail(path, value, fmt::format("a number in [{}, {}]", lo, hi));
  auto v = value.get<double>();
  if (!std::isfinite(v) || v < lo || v > hi) {
    fail(path, value, fmt::format("a number in [{}, {}]", lo, hi));
  }
  return v;
}

double read_probability(const Json& value, const std::string& path) {
  if (!value.is_number()) fail(path, value, "a probability in [0, 1]");
  auto v = value.get<double>();
  if (!(v >= 0 && v <= 1)) fail(path, value, "a probability in [0, 1]");
  return v;
}

bool read_bool(const Json& value, const std::string& path) {
  if (!value.is_boolean()) fail(path, value, "true or false");
  return value.get<bool>();
}

std::string read_string(const Json& value, const std::string& path, size_t size_min,
                        size_t size_max) {
  auto expected = [&] { return fmt::format("a string of {} to {} bytes", size_min, size_max); };
  if (!value.is_string()) fail(path, value, expected());
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() < size_min || text.size() > size_max) fail(path, value, expected());
  return text;
}

const Json::array_t& read_array(const Json& value, const std::string& path, size_t size_min,
                                size_t size_max) {
  if (!value.is_array() || value.size() < size_min || value.size() > size_max) {
    fail(path, value, fmt::format("an array of {} to {} elements", size_min, size_max));
  }
  return value.get_ref<const Json::array_t&>();
}

std::string member_path(const std::string& path, std::string_view key) {
  if (is_identifier(key)) return fmt::format("{}.{}", path, key);
  return fmt::format("{}[{}]", path, shorten(Json(std::string(key)).dump()));
}

std::string element_path(const std::string& path, size_t index) {
  return fmt::format("{}[{}]", path, index);
}

ObjectReader::ObjectReader(const Json& value, std::string path)
    : value_(value), path_(std::move(path)) {
  if (!value_.is_object()) fail(path_, value_, "an object");
}

const Json* ObjectReader::find(std::string_view key) {
  known_.emplace_back(key);
  auto it = value_.find(key);
  return it == value_.end() ? nullptr : &*it;
}

const Json& ObjectReader::require(std::string_view key, std::string_view expected) {
  const Json* value = find(key);
  if (value == nullptr) fail_missing(path_of(key), std::string(expected));
  return *value;
}

int64_t ObjectReader::integer(std::string_view key, int64_t lo, int64_t hi, int64_t fallback) {
  const Json* value = find(key);
  return value == nullptr ? fallback : read_integer(*value, path_of(key), lo, hi);
}

double ObjectReader::number(std::string_view key, double lo, double hi, double fallback) {
  const Json* value = find(key);
  return value == nullptr ? fallback : read_number(*value, path_of(key), lo, hi);
}

double ObjectReader::probability(std::string_view key, double fallback) {
  const Json* value = find(key);
  return value == nullptr ? fallback : read_probability(*value, path_of(key));
}

bool ObjectReader::boolean(std::string_view key, bool fallback) {
  const Json* value = find(key);
  return value == nullptr ? fallback : read_bool(*value, path_of(key));
}

sim::Duration ObjectReader::ms(std::string_view key, int64_t lo, int64_t hi,
                               sim::Duration fallback) {
  const Json* value = find(key);
  if (value == nullptr) return fallback;
  return sim::Duration::milliseconds(read_integer(*value, path_of(key), lo, hi));
}

sim::Duration ObjectReader::us(std::string_view key, int64_t lo, int64_t hi,
                               sim::Duration fallback) {
  const Json* value = find(key);
  if (value == nullptr) return fallback;
  return sim::Duration::microseconds(read_integer(*value, path_of(key), lo, hi));
}

void ObjectReader::check_order(std::string_view min_key, int64_t min, std::string_view max_key,
                               int64_t max) {
  if (min <= max) return;
  std::string shown = std::to_string(min);
  throw LoadFailure{path_of(min_key), "got " + shown, shown,
                    fmt::format("at most {} ({})", max_key, max)};
}

void ObjectReader::check_order(std::string_view min_key, double min, std::string_view max_key,
                               double max) {
  if (min <= max) return;
  std::string shown = Json(min).dump();
  throw LoadFailure{path_of(min_key), "got " + shown, shown,
                    fmt::format("at most {} ({})", max_key, Json(max).dump())};
}

void ObjectReader::finish() const {
  for (const auto& [key, value] : value_.items()) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    throw LoadFailure{path_of(key), "unknown field", "",
                      known_.empty() ? "no fields here" : "one of: " + join(known_)};
  }
}

}  // namespace scenarios::detail
