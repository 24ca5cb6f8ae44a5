#include "input/json.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

using Catch::Matchers::Contains;

namespace {

constexpr input::Limits kSmall{1 << 20, 8, 16, 100};

std::string nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']');
}

input::JsonProblem problem_of(const std::string& text, const input::Limits& limits = kSmall) {
  auto parsed = input::parse_json<nlohmann::json>(text, limits);
  REQUIRE(parsed.problem.has_value());
  CHECK(parsed.value.is_null());
  return *parsed.problem;
}

}  // namespace

TEST_CASE(
    "parse_json: nesting up to the limit is accepted, one more level is refused at its path") {
  CHECK_FALSE(input::parse_json<nlohmann::json>(nested(8), kSmall).problem);
  const input::JsonProblem p = problem_of(R"({"a": [)" + nested(7) + "]}");
  CHECK(p.path == "$.a[0][0][0][0][0][0][0]");
  CHECK_THAT(p.problem, Contains("nested more than 8 levels"));
  CHECK_FALSE(p.malformed);
}

TEST_CASE("parse_json: a deep document is refused without recursion, in either container") {
  constexpr input::Limits kLarge{64 << 20, 64, 1 << 20, 1'000'000};
  CHECK_THAT(problem_of(nested(1'000'000), kLarge).problem, Contains("nested more than 64"));
  std::string objects;
  for (int i = 0; i < 200'000; ++i) objects += "{\"k\":";
  CHECK_THAT(problem_of(objects, kLarge).problem, Contains("nested more than 64"));
}

TEST_CASE("parse_json: a number out of a double's range is refused at its path and position") {
  const input::JsonProblem p = problem_of("{\"a\": [1,\n 1e400]}");
  CHECK(p.path == "$.a[1]");
  CHECK(p.problem == "got 1e400");
  CHECK(p.expected == "a number within the range of a double");
  CHECK(p.line == 2);
  // A huge integer is read as a double, as nlohmann does, and is not an error here.
  CHECK_FALSE(input::parse_json<nlohmann::json>("[99999999999999999999999]", kSmall).problem);
}

TEST_CASE("parse_json: strings, keys and value counts over the limits are refused") {
  CHECK_FALSE(input::parse_json<nlohmann::json>(R"(["0123456789abcdef"])", kSmall).problem);
  CHECK_THAT(problem_of(R"(["0123456789abcdefg"])").problem, Contains("a string of 17 bytes"));
  const input::JsonProblem key = problem_of(R"({"ok": {"0123456789abcdefg": 1}})");
  CHECK(key.path == "$.ok");
  CHECK_THAT(key.problem, Contains("a key of 17 bytes"));
  std::string many = "[0";
  for (int i = 0; i < 100; ++i) many += ",0";
  CHECK_THAT(problem_of(many + "]").problem, Contains("more than 100 values"));
}

TEST_CASE("parse_json: malformed text gives line, column and an escaped excerpt") {
  const input::JsonProblem p = problem_of("{\"a\": 1,\n \"b\x1b\": 2}");
  CHECK(p.malformed);
  CHECK(p.line == 2);
  CHECK(p.column > 1);
  CHECK(p.problem.find('\x1b') == std::string::npos);
  CHECK_THAT(problem_of("[1, 2").problem, Contains("unexpected end of input"));
  CHECK_THAT(problem_of("[NaN]").problem, Contains("syntax error"));
}

TEST_CASE("parse_json: ordered documents keep their order; unusual unicode is accepted") {
  auto parsed = input::parse_json<nlohmann::ordered_json>(
      "{\"z\": 1, \"\xd0\xba\xd0\xbb\": \"\xf0\x9f\x98\x80\\u202e\", \"a\": [true, null]}", kSmall);
  REQUIRE_FALSE(parsed.problem);
  CHECK(parsed.value.begin().key() == "z");
  CHECK(parsed.value["\xd0\xba\xd0\xbb"] == "\xf0\x9f\x98\x80\xe2\x80\xae");
}

TEST_CASE("json paths: identifier keys with dots, others quoted, escaped and cut") {
  CHECK(input::member_path("$", "cluster") == "$.cluster");
  CHECK(input::member_path("$", "a b") == "$[\"a b\"]");
  CHECK(input::member_path("$", "\x1b") == "$[\"\\x1b\"]");
  CHECK(input::element_path("$.x", 3) == "$.x[3]");
}
