// File names are data: one with a newline or an escape sequence must not forge a log line nor
// drive the terminal when thumbflow names it in an error line.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace thumbflow::e2e {
namespace {

TEST(EscapedNames, ControlCharactersInANameAreShownEscaped) {
  TempDir dir;
  const std::string name = "evil\nthumbflow: all fine\x1b[2J.jpg";
  test::write_text(dir / "in" / name, "not an image at all");
  copy_from_data(dir / "in", {"fruits.jpg"});
  const CommandResult r = run_cli({(dir / "in").string(), "-o", (dir / "out").string()});
  ASSERT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << describe(r);
  // One line names the item (escaped) and the reason; no line of its own starts with the forged text.
  // (The reason depends on which check refuses the name first: its content, or the name itself.)
  const auto lines = lines_with(r.err, "evil\\nthumbflow: all fine\\x1b[2J.jpg");
  ASSERT_EQ(lines.size(), 1u) << describe(r);
  EXPECT_EQ(lines[0].rfind("thumbflow: ", 0), 0u) << lines[0];
  for (const std::string& line : lines_of(r.err)) EXPECT_NE(line.rfind("thumbflow: all fine", 0), 0u) << line;
}

}  // namespace
}  // namespace thumbflow::e2e
