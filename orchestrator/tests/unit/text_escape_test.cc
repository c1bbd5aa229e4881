// text/text_escape: text made safe for XML and HTML (the reports and
// libvirt's domain XML alike), one line, or a bounded field.
#include "text/text_escape.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace kmx {
namespace {

TEST(EscapeMarkup, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_markup("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}

TEST(EscapeMarkup, DropsCharactersXmlForbidsAndKeepsWhitespace) {
  EXPECT_EQ(escape_markup(std::string("a\x01\x1b[0mb\tc\nd\re\0f", 15)), "a[0mb\tc\nd\ref");
  EXPECT_EQ(escape_markup("x\xEF\xBF\xBEy\xEF\xBF\xBFz"), "xyz");  // U+FFFE, U+FFFF
}

// Found by fuzz_reports: a matrix named "sm\x7fke" put a raw DEL into JUnit and HTML.
TEST(EscapeMarkup, DropsDelAndTheC1Controls) {
  EXPECT_EQ(escape_markup("sm\x7F"
                          "ke"),
            "smke");
  // U+0080, U+0085 and U+009F go; U+00A0 (no-break space) stays.
  EXPECT_EQ(escape_markup("a\xC2\x80"
                          "b\xC2\x85"
                          "c\xC2\x9F"
                          "d\xC2\xA0"
                          "e"),
            "abcd\xC2\xA0"
            "e");
}

TEST(EscapeMarkup, ReplacesInvalidUtf8AndKeepsValid) {
  EXPECT_EQ(escape_markup("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(escape_markup("a\xFF"
                          "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(escape_markup("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(escape_markup("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(escape_markup("trunc\xE2\x82"), "trunc\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Shorten, CutsAtACharacterBoundary) {
  EXPECT_EQ(shorten("short", 10), "short");
  EXPECT_EQ(shorten("\xC3\xA9\xC3\xA9", 3), "\xC3\xA9...");
}

TEST(OneLineText, EscapesEveryLineBreakAndControlAndKeepsValidText) {
  EXPECT_EQ(one_line_text("caf\xC3\xA9 ok"), "caf\xC3\xA9 ok");
  EXPECT_EQ(one_line_text(std::string("a\0b\x1b[2J\vc\fd\ne\rf\x7f", 16)),
            "a\\x00b\\x1b[2J\\x0bc\\x0cd\\x0ae\\x0df\\x7f");
  EXPECT_EQ(one_line_text("a\tb"), "a b");
  EXPECT_EQ(one_line_text("x\xC2\x85y"), "x\\u0085y");                         // NEL
  EXPECT_EQ(one_line_text("x\xE2\x80\xA8y\xE2\x80\xA9"), "x\\u2028y\\u2029");  // line, paragraph separator
  EXPECT_EQ(one_line_text("a\xFF\xC0\xAF"), "a\\xff\\xc0\\xaf");               // not UTF-8
  EXPECT_EQ(one_line_text(std::string(10, 'x'), 4), "xxxx...");
}

// The domain XML and the reports escape alike: one function serves both.
TEST(EscapeMarkup, ServesLibvirtsDomainXmlAsItServesTheReports) {
  EXPECT_EQ(escape_markup("/var/lib/kmx/it's <a> & \"b\""), "/var/lib/kmx/it&#39;s &lt;a&gt; &amp; &quot;b&quot;");
}

}  // namespace
}  // namespace kmx
