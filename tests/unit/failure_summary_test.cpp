// The CLI's end-of-batch failure lines (app/failure_summary): grouped by reason, in input order.
#include "failure_summary.hpp"

#include <gtest/gtest.h>

namespace thumbflow::cli {
namespace {

ItemResult summary_item(std::string input, ItemStatus status, std::string error = {}) {
  ItemResult r;
  r.input = std::move(input);
  r.status = status;
  r.error = std::move(error);
  return r;
}

TEST(FailureSummary, GroupsByReasonInInputOrderNamingTheFirst) {
  const std::vector<ItemResult> items = {
      summary_item("a.jpg", ItemStatus::Done),
      summary_item("b.jpg", ItemStatus::Failed, "truncated or corrupt JPEG: Premature end of JPEG file"),
      summary_item("c.png", ItemStatus::Failed, "cannot decode PNG (truncated or corrupt)"),
      summary_item("d.jpg", ItemStatus::Failed,
                   "truncated or corrupt JPEG: Corrupt JPEG data: bad Huffman code"),
      summary_item("e.jpg", ItemStatus::Skipped),
      summary_item("f.jpg", ItemStatus::Failed, "truncated or corrupt JPEG: Premature end of JPEG file"),
  };
  const std::vector<std::string> expected = {
      "3 failed: truncated or corrupt JPEG (first: b.jpg: truncated or corrupt JPEG: Premature end of JPEG "
      "file)",
      "c.png: cannot decode PNG (truncated or corrupt)"};
  EXPECT_EQ(failure_summary(items), expected);
}

TEST(FailureSummary, NoFailuresNoLines) {
  EXPECT_TRUE(failure_summary({summary_item("a.jpg", ItemStatus::Done)}).empty());
}

TEST(FailureSummary, ReasonIsTheTextBeforeTheDetail) {
  EXPECT_EQ(failure_reason("HTTP 404"), "HTTP 404");
  EXPECT_EQ(failure_reason("not an http(s) URL (urls.txt:3)"), "not an http(s) URL");
  EXPECT_EQ(failure_reason("cannot read: No such file or directory"), "cannot read");
}

}  // namespace
}  // namespace thumbflow::cli
