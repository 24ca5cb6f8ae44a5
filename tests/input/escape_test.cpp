#include "input/escape.h"

#include <catch2/catch.hpp>
#include <string>

using input::escape;
using input::excerpt;

TEST_CASE("escape: control characters and bytes that are not UTF-8 become escapes") {
  CHECK(escape("a\x1b[31mb") == "a\\x1b[31mb");
  CHECK(escape("line\nnext\r\t") == "line\\nnext\\r\\t");
  CHECK(escape(std::string("nul\0end", 7)) == "nul\\x00end");
  CHECK(escape("del\x7f") == "del\\x7f");
  CHECK(escape("\xff\xfe") == "\\xff\\xfe");
  CHECK(escape("\xc0\x80") == "\\xc0\\x80");           // an overlong NUL
  CHECK(escape("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a lone surrogate
  CHECK(escape("cut \xe2\x82") == "cut \\xe2\\x82");   // a sequence cut short
}

TEST_CASE("escape: invisible code points that reorder or split a line become escapes") {
  CHECK(escape("\xe2\x80\xae"
               "evil") == "\\u{202e}evil");  // right-to-left override
  CHECK(escape("a\xe2\x80\xa8"
               "b") == "a\\u{2028}b");  // line separator
  CHECK(escape("\xc2\x9b"
               "31m") == "\\u{009b}31m");  // C1 control sequence introducer
}

TEST_CASE("escape: printable text and valid unicode pass unchanged, and escaping is idempotent") {
  const std::string text = "ключ \xf0\x9f\x98\x80 e\xcc\x81 \xe3\x81\x82 back\\slash \"q\"";
  CHECK(escape(text) == text);
  const std::string hostile = "\x1b]0;t\x07\n\xff\xe2\x80\xae";
  CHECK(escape(escape(hostile)) == escape(hostile));
}

TEST_CASE("excerpt: cuts at a character boundary, marks the cut, and escapes") {
  CHECK(excerpt("short") == "short");
  CHECK(excerpt(std::string(100, 'x'), 10) == std::string(10, 'x') + "...");
  // 4 two-byte characters are 8 bytes: a limit of 7 keeps 3 of them whole.
  CHECK(excerpt("\xd0\xb0\xd0\xb1\xd0\xb2\xd0\xb3", 7) == "\xd0\xb0\xd0\xb1\xd0\xb2...");
  CHECK(excerpt("\x1b\x1b", 60) == "\\x1b\\x1b");
}
