#include "checkers/linearizability/detail/edn.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "checkers/linearizability/detail/quote.h"
#include "checkers/linearizability/history.h"
#include "input/escape.h"
#include "input/limits.h"

namespace checkers::linearizability::detail {
namespace {

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ','; }

bool is_delimiter(char c) {
  return is_whitespace(c) || c == ';' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' ||
         c == '}' || c == '"';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Parser {
 public:
  Parser(std::string_view text, std::string_view source) : text_(text), source_(source) {}

  std::vector<EdnValue> parse_all() {
    std::vector<EdnValue> forms;
    while (skip_space()) {
      EdnValue form;
      if (parse_form(form, 0)) forms.push_back(std::move(form));
    }
    return forms;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    const size_t column = position_ - std::min(position_, line_start_) + 1;
    throw HistoryError(std::string(source_) + ": line " + std::to_string(line_) + ", column " +
                       std::to_string(column) + ": " + problem);
  }

  void new_line() {
    ++line_;
    line_start_ = position_ + 1;
  }

  // Limits (input/limits.h), checked as each form starts and as each string grows.
  void count_value() {
    if (++values_ > input::kEdnLimits.values_max) {
      fail("more than " + std::to_string(input::kEdnLimits.values_max) +
           " forms, the limit for a history");
    }
  }
  void check_size(size_t size, const char* what) const {
    if (size > input::kEdnLimits.string_bytes_max) {
      fail(std::string("a ") + what + " longer than " +
           std::to_string(input::kEdnLimits.string_bytes_max) + " bytes, the limit for a history");
    }
  }

  // Skips whitespace and comments; false at the end of the text.
  bool skip_space() {
    while (position_ < text_.size()) {
      const char c = text_[position_];
      if (c == '\n') new_line();
      if (c == ';') {
        while (position_ < text_.size() && text_[position_] != '\n') ++position_;
      } else if (is_whitespace(c)) {
        ++position_;
      } else {
        return true;
      }
    }
    return false;
  }

  std::string_view token() {
    const size_t start = position_;
    while (position_ < text_.size() && !is_delimiter(text_[position_])) ++position_;
    return text_.substr(start, position_ - start);
  }

  // Parses one form into `out`. Returns false when the form was discarded (`#_`).
  bool parse_form(EdnValue& out, int depth) {
    if (depth > kDepthMax) fail("nesting deeper than " + std::to_string(kDepthMax));
    if (!skip_space()) fail("unexpected end of input");
    count_value();
    out.line = line_;
    const char c = text_[position_];
    switch (c) {
      case '(':
        return parse_sequence(out, EdnValue::Kind::list, ')', depth);
      case '[':
        return parse_sequence(out, EdnValue::Kind::vector, ']', depth);
      case '{':
        return parse_sequence(out, EdnValue::Kind::map, '}', depth);
      case ')':
      case ']':
      case '}':
        fail(std::string("unexpected '") + c + "'");
      case '"':
        parse_string(out);
        return true;
      case '#':
        return parse_dispatch(out, depth);
      case ':':
        ++position_;
        out.kind = EdnValue::Kind::keyword;
        out.text = std::string(token());
        check_size(out.text.size(), "keyword");
        if (out.text.empty()) fail("empty keyword");
        return true;
      case '\\':
        ++position_;
        out.kind = EdnValue::Kind::character;
        out.text = std::string(1, position_ < text_.size() ? text_[position_++] : ' ');
        out.text += std::string(token());
        check_size(out.text.size(), "character");
        return true;
      default:
        parse_atom(out);
        return true;
    }
  }

  bool parse_sequence(EdnValue& out, EdnValue::Kind kind, char close, int depth) {
    ++position_;
    out.kind = kind;
    while (true) {
      if (!skip_space()) fail(std::string("missing '") + close + "'");
      if (text_[position_] == close) break;
      EdnValue item;
      if (parse_form(item, depth + 1)) out.items.push_back(std::move(item));
    }
    ++position_;
    if (kind == EdnValue::Kind::map && out.items.size() % 2 != 0) {
      fail("a map needs an even number of forms");
    }
    return true;
  }

  bool parse_dispatch(EdnValue& out, int depth) {
    ++position_;
    if (position_ >= text_.size()) fail("unexpected end of input after '#'");
    if (text_[position_] == '{') {
      parse_sequence(out, EdnValue::Kind::set, '}', depth);
      return true;
    }
    if (text_[position_] == '_') {
      ++position_;
      EdnValue discarded;
      parse_form(discarded, depth + 1);
      return false;
    }
    // A tagged literal: `#tag form`. The tag is dropped; the form is what matters here.
    if (token().empty()) fail("expected a tag after '#'");
    return parse_form(out, depth + 1);
  }

  void parse_string(EdnValue& out) {
    ++position_;
    out.kind = EdnValue::Kind::string;
    while (true) {
      if (position_ >= text_.size()) fail("unterminated string");
      const char c = text_[position_++];
      if (c == '"') return check_size(out.text.size(), "string");
      if (c == '\n') {
        --position_;
        new_line();
        ++position_;
      }
      if (c != '\\') {
        out.text += c;
        continue;
      }
      if (position_ >= text_.size()) fail("unterminated string");
      const char escaped = text_[position_++];
      switch (escaped) {
        case 'n':
          out.text += '\n';
          break;
        case 't':
          out.text += '\t';
          break;
        case 'r':
          out.text += '\r';
          break;
        case '"':
        case '\\':
          out.text += escaped;
          break;
        default:
          // \uXXXX and friends are kept as written: histories compare values, not glyphs.
          out.text += '\\';
          out.text += escaped;
      }
    }
  }

  void parse_atom(EdnValue& out) {
    const std::string_view text = token();
    if (text.empty()) fail(std::string("unexpected character '") + text_[position_] + "'");
    check_size(text.size(), "symbol or number");
    const bool numeric =
        is_digit(text[0]) ||
        (text.size() > 1 && (text[0] == '-' || text[0] == '+') && is_digit(text[1]));
    if (!numeric) {
      out.kind = text == "nil"     ? EdnValue::Kind::nil
                 : text == "true"  ? EdnValue::Kind::boolean
                 : text == "false" ? EdnValue::Kind::boolean
                                   : EdnValue::Kind::symbol;
      out.boolean = text == "true";
      out.text = std::string(text);
      return;
    }
    std::string digits(text);
    if (digits.back() == 'N') digits.pop_back();  // arbitrary-precision suffix
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(digits.c_str(), &end, 10);
    if (end == digits.c_str() + digits.size() && errno == 0) {
      out.kind = EdnValue::Kind::integer;
      out.integer = value;
      return;
    }
    if (errno == ERANGE) fail("integer out of range: " + input::excerpt(text, 40));
    out.kind = EdnValue::Kind::floating;  // floats, ratios, BigDecimals: kept as text
    out.text = std::string(text);
  }

  std::string_view text_;
  std::string_view source_;
  size_t position_ = 0;
  size_t line_start_ = 0;  // the position where line_ starts
  size_t values_ = 0;
  uint32_t line_ = 1;
};

}  // namespace

const EdnValue* EdnValue::find(std::string_view name) const {
  if (kind != Kind::map) return nullptr;
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].kind == Kind::keyword && items[i].text == name) return &items[i + 1];
  }
  return nullptr;
}

std::vector<EdnValue> parse_edn(std::string_view text, std::string_view source) {
  return Parser(text, source).parse_all();
}

namespace {

std::string describe_whole(const EdnValue& value) {
  using Kind = EdnValue::Kind;
  std::string text;
  switch (value.kind) {
    case Kind::nil:
      return "nil";
    case Kind::boolean:
      return value.boolean ? "true" : "false";
    case Kind::integer:
      return std::to_string(value.integer);
    case Kind::string:
      return quote(value.text.substr(0, 64));
    case Kind::keyword:
      return ":" + value.text;
    case Kind::character:
      return "\\" + value.text;
    case Kind::floating:
    case Kind::symbol:
      return value.text;
    case Kind::list:
    case Kind::vector:
    case Kind::map:
    case Kind::set: {
      text = value.kind == Kind::list     ? "("
             : value.kind == Kind::vector ? "["
             : value.kind == Kind::set    ? "#{"
                                          : "{";
      for (size_t i = 0; i < value.items.size() && text.size() < 40; ++i) {
        if (i > 0) text += ' ';
        text += describe_whole(value.items[i]);
      }
      if (text.size() >= 40) text = text.substr(0, 37) + "...";
      text += value.kind == Kind::list ? ")" : value.kind == Kind::vector ? "]" : "}";
      return text;
    }
  }
  return "?";
}

}  // namespace

std::string describe(const EdnValue& value) { return input::excerpt(describe_whole(value), 60); }

}  // namespace checkers::linearizability::detail
