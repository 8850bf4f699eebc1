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
  EXPECT_EQ(printable("trailing\xC2"), "trailing\xC2");
}

}  // namespace
}  // namespace thumbflow
