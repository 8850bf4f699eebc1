// The CLI's numbers for people (app/human.hpp).
#include "human.hpp"

#include <gtest/gtest.h>

namespace thumbflow::cli {
namespace {

// A small download was "0.00 MB downloaded": each size gets the unit that shows it.
TEST(HumanBytes, EachSizeInTheUnitThatShowsIt) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(999), "999 B");
  EXPECT_EQ(human_bytes(1000), "1.0 kB");
  EXPECT_EQ(human_bytes(4'321), "4.3 kB");
  EXPECT_EQ(human_bytes(34'000), "34.0 kB");
  EXPECT_EQ(human_bytes(123'456), "123 kB");
  EXPECT_EQ(human_bytes(999'499), "999 kB");
  EXPECT_EQ(human_bytes(999'500), "1.0 MB");  // not "1000 kB"
  EXPECT_EQ(human_bytes(12'345'678), "12.3 MB");
  EXPECT_EQ(human_bytes(99'960'000), "100 MB");
  EXPECT_EQ(human_bytes(1'500'000'000), "1.5 GB");
  EXPECT_EQ(human_bytes(18'446'744'073'709'551'615ULL), "18.4 EB");
}

}  // namespace
}  // namespace thumbflow::cli
