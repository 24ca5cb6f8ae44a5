#include "input/json.h"

#include <algorithm>
#include <vector>

#include "input/escape.h"

namespace input {
namespace {

bool is_identifier(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Wraps nlohmann's DOM builder: each event is checked against the limits and counted toward the
// current path, then handed to the builder. Returning false stops the parse at once.
template <class BasicJson>
class BoundedSax {
 public:
  using Builder = nlohmann::detail::json_sax_dom_parser<BasicJson>;
  using string_t = typename BasicJson::string_t;
  using binary_t = typename BasicJson::binary_t;

  BoundedSax(BasicJson& result, const Limits& limits) : builder_(result, false), limits_(limits) {}

  bool null() { return value() && builder_.null(); }
  bool boolean(bool v) { return value() && builder_.boolean(v); }
  bool number_integer(typename BasicJson::number_integer_t v) {
    return value() && builder_.number_integer(v);
  }
  bool number_unsigned(typename BasicJson::number_unsigned_t v) {
    return value() && builder_.number_unsigned(v);
  }
  bool number_float(typename BasicJson::number_float_t v, const string_t& text) {
    return value() && builder_.number_float(v, text);
  }
  bool string(string_t& v) { return value() && fits(v, "string") && builder_.string(v); }
  bool binary(binary_t& v) { return value() && builder_.binary(v); }
  bool key(string_t& k) {
    frames_.back().started = false;
    if (!fits(k, "key")) return false;
    frames_.back().key = k.size() <= 60 ? k : k.substr(0, 61);
    frames_.back().has_key = true;
    return builder_.key(k);
  }
  bool start_object(size_t size) { return open(false) && builder_.start_object(size); }
  bool start_array(size_t size) { return open(true) && builder_.start_array(size); }
  bool end_object() { return close() && builder_.end_object(); }
  bool end_array() { return close() && builder_.end_array(); }

  bool parse_error(size_t byte, const std::string& token, const nlohmann::detail::exception& e) {
    if (e.id == 406 && !frames_.empty() && frames_.back().array) {
      // The number is the next element: it has begun, though no event announced it.
      frames_.back().started = true;
      ++frames_.back().index;
    }
    JsonProblem& p = refuse("", "valid JSON");
    p.byte = byte;
    if (e.id == 406) {  // out_of_range.406: a number too large for a double
      p.problem = "got " + excerpt(token);
      p.expected = "a number within the range of a double";
    } else {
      p.malformed = true;
      // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ...":
      // keep what follows the position (the position is in line and column).
      std::string what = e.what();
      const size_t column = what.find("column ");
      const size_t colon = what.find(": ", column == std::string::npos ? 0 : column);
      p.problem = excerpt(colon == std::string::npos ? what : what.substr(colon + 2), 160);
    }
    return false;
  }

  // Where the parse stopped: the SAX interface has no position, so line and column of a
  // refusal by a limit are unknown; the path says where.
  std::optional<JsonProblem> problem;

  std::string path() const {
    std::string out = "$";
    for (size_t i = 1; i < frames_.size(); ++i) {
      const Frame& parent = frames_[i - 1];
      out = parent.array ? element_path(std::move(out), parent.index - 1)
                         : member_path(std::move(out), parent.key);
    }
    // The innermost container: the element or member being read, once it has begun.
    if (!frames_.empty()) {
      const Frame& last = frames_.back();
      if (last.array && last.started) out = element_path(std::move(out), last.index - 1);
      if (!last.array && last.has_key) out = member_path(std::move(out), last.key);
    }
    return out;
  }

 private:
  struct Frame {
    bool array = false;
    bool started = false;  // a value has begun in this container
    bool has_key = false;  // objects: a key has been read
    size_t index = 0;      // arrays: elements begun so far
    string_t key;          // objects: the current key (cut short)
  };

  JsonProblem& refuse(std::string got, std::string expected) {
    problem = JsonProblem{path(), std::move(got), std::move(expected)};
    return *problem;
  }

  // Every value: counts it and moves the path on.
  bool value() {
    if (!frames_.empty()) {
      Frame& top = frames_.back();
      top.started = true;
      if (top.array) ++top.index;
    }
    if (++values_ > limits_.values_max) {
      refuse("got more than " + std::to_string(limits_.values_max) + " values",
             "at most " + std::to_string(limits_.values_max) +
                 " values in the document (the limit for this kind of file)");
      return false;
    }
    return true;
  }

  bool fits(const string_t& text, const char* what) {
    if (text.size() <= limits_.string_bytes_max) return true;
    refuse(std::string("got a ") + what + " of " + std::to_string(text.size()) + " bytes",
           std::string("a ") + what + " of at most " + std::to_string(limits_.string_bytes_max) +
               " bytes (the limit for this kind of file)");
    return false;
  }

  bool open(bool array) {
    if (!value()) return false;
    if (frames_.size() >= static_cast<size_t>(limits_.depth_max)) {
      refuse("got arrays and objects nested more than " + std::to_string(limits_.depth_max) +
                 " levels deep",
             "at most " + std::to_string(limits_.depth_max) +
                 " levels (the limit for this kind of file)");
      return false;
    }
    frames_.push_back(Frame{array, false, false, 0, {}});
    return true;
  }

  bool close() {
    frames_.pop_back();
    return true;
  }

  Builder builder_;
  const Limits& limits_;
  std::vector<Frame> frames_;
  size_t values_ = 0;
};

}  // namespace

std::string member_path(std::string path, std::string_view key) {
  if (is_identifier(key) && key.size() <= 60) return path + "." + std::string(key);
  return path + "[\"" + excerpt(key, 40) + "\"]";
}

std::string element_path(std::string path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

template <class BasicJson>
JsonParse<BasicJson> parse_json(std::string_view text, const Limits& limits) {
  JsonParse<BasicJson> result;
  if (text.size() > limits.file_bytes_max) {
    result.problem = JsonProblem{"$", "got " + std::to_string(text.size()) + " bytes",
                                 "at most " + std::to_string(limits.file_bytes_max) +
                                     " bytes (the limit for this kind of file)"};
    return result;
  }
  BoundedSax<BasicJson> sax(result.value, limits);
  const bool ok = BasicJson::sax_parse(text, &sax);
  if (!ok || sax.problem) {
    result.problem =
        sax.problem ? *sax.problem : JsonProblem{"$", "got unreadable JSON", "valid JSON"};
    result.value = nullptr;
    JsonProblem& p = *result.problem;
    if (p.byte > 0) {  // nlohmann counts the byte it stopped at from 1
      const size_t end = std::min(text.size(), p.byte - 1);
      p.line = 1;
      size_t line_start = 0;
      for (size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') ++p.line, line_start = i + 1;
      }
      p.column = end - line_start + 1;
    }
  }
  return result;
}

template JsonParse<nlohmann::json> parse_json(std::string_view, const Limits&);
template JsonParse<nlohmann::ordered_json> parse_json(std::string_view, const Limits&);

}  // namespace input
