// Names from outside, made safe for a terminal or a log line.
#include "thumbflow/printable.hpp"

#include <gtest/gtest.h>

#include <string>

namespace thumbflow {
namespace {

TEST(Printable, ControlCharactersAreShownAsEscapes) {
  EXPECT_EQ(printable("a.jpg"), "a.jpg");
  EXPECT_EQ(printable("evil\nthumbflow: all done"), "evil\\nthumbflow: all done");
  EXPECT_EQ(printable("\x1b[2Jcls.jpg"), "\\x1b[2Jcls.jpg");
  EXPECT_EQ(printable("a\rb\tc"), "a\\rb\\tc");
  EXPECT_EQ(printable(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(printable("\x01\x1f\x7f"), "\\x01\\x1f\\x7f");
  EXPECT_EQ(printable("csi\xC2\x9b"
                      "2J"),
            "csi\\u009b2J");  // U+009B, the one-byte CSI
  // Printable text, other UTF-8 and backslashes stay as they are.
  EXPECT_EQ(printable("caf\xC3\xA9 \xC2\xA0\xE2\x82\xAC \\n.jpg"),
            "caf\xC3\xA9 \xC2\xA0\xE2\x82\xAC \\n.jpg");
}

// Bytes that are not well-formed UTF-8 are shown as \xHH: a Latin-1 name, a lone 0x9B (CSI to an
// 8-bit terminal), stray continuation bytes, overlong forms, surrogates, a character cut short.
TEST(Printable, BytesThatAreNotUtf8AreShownAsEscapes) {
  EXPECT_EQ(printable("trailing\xC2"), "trailing\\xc2");
  EXPECT_EQ(printable("caf\xE9.jpg"), "caf\\xe9.jpg");
  EXPECT_EQ(printable("\x9b"
                      "2J"),
            "\\x9b2J");
  EXPECT_EQ(printable("\xFF\xFE"), "\\xff\\xfe");
  EXPECT_EQ(printable("\xC0\xAF"), "\\xc0\\xaf");                    // overlong '/'
  EXPECT_EQ(printable("\xE0\x80\xAF"), "\\xe0\\x80\\xaf");           // overlong '/'
  EXPECT_EQ(printable("\xED\xA0\x80"), "\\xed\\xa0\\x80");           // a surrogate
  EXPECT_EQ(printable("\xF4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  EXPECT_EQ(printable("\xE2\x82"
                      "x"),
            "\\xe2\\x82x");  // cut short
  // Four-byte characters and the edges of the ranges stay.
  EXPECT_EQ(printable("\xF0\x9F\x98\x80 \xED\x9F\xBF \xF4\x8F\xBF\xBF"),
            "\xF0\x9F\x98\x80 \xED\x9F\xBF \xF4\x8F\xBF\xBF");
  EXPECT_EQ(printable("a\\b", true), "a\\\\b");
}

TEST(Printable, Utf8IsRecognised) {
  EXPECT_TRUE(is_utf8(""));
  EXPECT_TRUE(is_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_utf8("caf\xE9"));
  EXPECT_FALSE(is_utf8("\xC3"));
  EXPECT_FALSE(is_utf8("\xED\xB0\x80"));
  EXPECT_FALSE(is_utf8("\xC1\xBF"));
}

}  // namespace
}  // namespace thumbflow
