// The history picture's structure: one self-contained document, a lane per client, a bar per
// operation, and for an illegal partition the longest partial linearization with the operation
// that cannot follow it highlighted and the states for hovering.
#include "checkers/linearizability/history_html.h"

#include <catch2/catch.hpp>
#include <regex>

#include "checkers/linearizability/check.h"
#include "tests/checkers/history_builders.h"

namespace lin = checkers::linearizability;
using namespace lin::test;
using Catch::Matchers::Contains;

namespace {

size_t count(const std::string& text, const std::string& pattern) {
  size_t found = 0;
  for (size_t at = text.find(pattern); at != std::string::npos; at = text.find(pattern, at + 1)) {
    ++found;
  }
  return found;
}

std::string picture_of(const lin::KvHistory& history) {
  return lin::render_history_html({lin::picture_input(history, lin::check(history), "h.json")});
}

}  // namespace

TEST_CASE("history html: an illegal history shows where it breaks") {
  const lin::KvHistory history{
      lin::KvModel{},
      {put(0, 0, 10, "x", "old"), put(0, 20, 30, "x", "new"), get(1, 40, 50, "x", "old"),
       put(2, 0, 100, "y", "<b>&"), get(3, 5, lin::test::kPending, "y", std::nullopt)}};
  const std::string html = picture_of(history);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  // Self-contained: inline style and script, nothing fetched.
  CHECK(count(html, "<style>") == 1);
  CHECK(count(html, "<script>") == 1);
  CHECK(count(html, "src=") == 0);
  CHECK(count(html, "http://") == 0);
  CHECK(count(html, "https://") == 0);
  // One history, two partitions (x is illegal and open, y is ok), a lane per client.
  CHECK(count(html, "<section class=\"history\" data-verdict=\"illegal\">") == 1);
  CHECK(count(html, "<details class=\"partition illegal\" data-key=\"x\" open>") == 1);
  CHECK(count(html, "<details class=\"partition ok\" data-key=\"y\">") == 1);
  CHECK(count(html, "<div class=\"lane") == 4);  // x: clients 0, 1; y: clients 2, 3
  // A bar per operation, labelled with input and output; text is escaped.
  CHECK(count(html, "<div class=\"op") == 5);
  CHECK_THAT(html, Contains(">get(&quot;x&quot;) -&gt; &quot;old&quot;</div>"));
  CHECK_THAT(html, Contains("&lt;b&gt;&amp;"));
  CHECK(count(html, "<b>&") == 0);
  CHECK(count(html, "class=\"op pending\"") == 1);
  // The longest partial linearization, in order, with the state after each step for hovering.
  CHECK(count(html, "<ol class=\"linearization\">") == 1);
  CHECK(count(html, "<li class=\"step\"") == 2);
  CHECK_THAT(html, Contains("class=\"op linearized\" data-op=\"1\""));
  CHECK_THAT(html, Contains("data-order=\"2\" data-of=\"2\" data-state=\"&quot;new&quot;\""));
  // The stale read cannot be placed, and is highlighted.
  CHECK_THAT(html, Contains("<div class=\"op unplaced due\" data-op=\"2\""));
  CHECK_THAT(html, Contains("<li class=\"due\" data-op=\"2\">"));
  // Tags balance.
  CHECK(count(html, "<div") == count(html, "</div>"));
  CHECK(count(html, "<details") == count(html, "</details>"));
  CHECK(count(html, "<section") == count(html, "</section>"));
}

TEST_CASE("history html: several histories in one file, ok ones without explanations") {
  const lin::KvHistory ok{lin::KvModel{}, {put(0, 0, 10, "x", "1"), get(1, 5, 15, "x", "1")}};
  const lin::KvHistory empty{lin::KvModel{}, {}};
  const std::string html =
      lin::render_history_html({lin::picture_input(ok, lin::check(ok), "a.json"),
                                lin::picture_input(empty, lin::check(empty), "b.json")});
  CHECK(count(html, "<section class=\"history\"") == 2);
  CHECK(count(html, "<ol class=\"linearization\">") == 0);
  CHECK(count(html, "unplaced\"") == 0);
  CHECK(count(html, "<li class=\"due\"") == 0);
  CHECK_THAT(html, Contains("<h2>a.json</h2>"));
  CHECK_THAT(html, Contains("<h2>b.json</h2>"));
}

TEST_CASE(
    "history html: an operation's hover and step name the server and log index that answered") {
  lin::KvHistory history{
      lin::KvModel{},
      {put(0, 0, 10, "x", "old"), get(1, 20, 30, "x", "new"), get(2, 25, 35, "x", "old")}};
  history.operations[0].server = 2;
  history.operations[0].index = 17;
  history.operations[1].server = 0;  // a server that named no index
  const std::string html = picture_of(history);
  CHECK(count(html, "data-answer=\"s2, log index 17\"") == 1);
  CHECK(count(html, "data-answer=\"s0\"") == 1);
  CHECK(count(html, "data-answer=") == 2);                     // the third operation names nobody
  CHECK_THAT(html, Contains("answered by s2, log index 17"));  // its linearization step
  CHECK(lin::describe_answer(std::nullopt, 9) == "log index 9");
  CHECK(lin::describe_answer(std::nullopt, std::nullopt).empty());
}
