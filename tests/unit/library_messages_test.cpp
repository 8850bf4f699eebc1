// What C libraries print on fd 2 while a decode runs becomes that item's warning
// (core/library_messages): alone, side by side with another decode, failing or not.
#include "core/library_messages.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "thumbflow/pipeline.hpp"

namespace thumbflow::detail {
namespace {

using Lines = std::vector<std::string>;

void print_raw(const std::string& text) {  // as a C library does: straight to fd 2
  ASSERT_EQ(::write(2, text.data(), text.size()), ssize_t(text.size()));
}

// A gate both threads pass in turn: step n runs once step n-1 is done. Bounded wait.
class Steps {
 public:
  void at(int n) {
    std::unique_lock lock(mutex_);
    ASSERT_TRUE(changed_.wait_for(lock, std::chrono::seconds(10), [&] { return step_ == n; }))
        << "step " << n;
  }
  void done(int n) {
    const std::lock_guard lock(mutex_);
    step_ = n + 1;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int step_ = 0;
};

ino_t fd2_inode() {
  struct stat st {};
  EXPECT_EQ(::fstat(2, &st), 0);
  return st.st_ino;
}

class LibraryMessages : public ::testing::Test {
 protected:
  void SetUp() override { capture_library_messages(); }
};

TEST_F(LibraryMessages, ALoneCallGetsWhatItPrintedAndStderrComesBack) {
  const ino_t before = fd2_inode();
  Lines lines;
  capture_stderr_of(
      [] {
        print_raw("libfoo: first complaint\n\n");
        std::fprintf(stderr, "libfoo: second complaint  \r\n");
        print_raw("libfoo: no newline at the end");
      },
      lines);
  EXPECT_EQ(lines,
            (Lines{"libfoo: first complaint", "libfoo: second complaint", "libfoo: no newline at the end"}));
  EXPECT_EQ(fd2_inode(), before) << "fd 2 must be the terminal again once no call runs";
  Lines quiet;
  capture_stderr_of([] {}, quiet);
  EXPECT_TRUE(quiet.empty()) << "nothing left over from the previous call";
}

TEST_F(LibraryMessages, AFailedCallClaimsWhatWasPrintedWhileAnotherRan) {
  const ino_t before = fd2_inode();
  Lines ok_lines, failed_lines;
  Steps steps;
  std::thread ok([&] {
    capture_stderr_of(
        [&] {
          steps.done(0);  // running
          steps.at(2);    // until the other has printed and failed
        },
        ok_lines);
    steps.done(2);
  });
  steps.at(1);
  EXPECT_THROW(capture_stderr_of(
                   [&] {
                     print_raw("libbar: corrupt codestream\n");
                     throw std::runtime_error("decode failed");
                   },
                   failed_lines),
               std::runtime_error);
  steps.done(1);
  steps.at(3);
  ok.join();
  EXPECT_EQ(failed_lines, Lines{"libbar: corrupt codestream"});
  EXPECT_TRUE(ok_lines.empty()) << ok_lines.front();
  EXPECT_EQ(fd2_inode(), before);
}

TEST_F(LibraryMessages, WhenBothSucceedTheLastToEndTakesTheLineMarkedUncertain) {
  Lines first_lines, last_lines;
  Steps steps;
  std::thread last([&] {
    capture_stderr_of(
        [&] {
          steps.done(0);
          steps.at(2);  // ends after the first
        },
        last_lines);
  });
  steps.at(1);
  capture_stderr_of([&] { print_raw("libbaz: a note\n"); }, first_lines);
  steps.done(1);
  last.join();
  EXPECT_TRUE(first_lines.empty());
  EXPECT_EQ(last_lines, Lines{"libbaz: a note (printed while 2 items were decoding)"});
}

// OpenCV prints its imdecode failures and log lines with std::cerr, which thumbflow points at the
// terminal for its own messages: inside a library call they are the call's too.
TEST_F(LibraryMessages, WhatALibraryWritesToStdCerrIsTheCallsToo) {
  Lines lines;
  capture_stderr_of(
      [] {
        std::cerr << "imdecode_(''): can't read header: OpenCV(4.6.0) Invalid header" << std::endl;
        std::clog << "[ WARN:0@0.087] global grfmt_tiff.cpp (708) readData" << std::endl;
      },
      lines);
  EXPECT_EQ(lines, (Lines{"imdecode_(''): can't read header: OpenCV(4.6.0) Invalid header",
                          "[ WARN:0@0.087] global grfmt_tiff.cpp (708) readData"}));
  // Another thread's std::cerr while a call runs stays the terminal's (thumbflow's own lines).
  Lines busy;
  Steps steps;
  std::thread call([&] {
    capture_stderr_of(
        [&] {
          steps.done(0);
          steps.at(2);
        },
        busy);
  });
  steps.at(1);
  std::cerr << "thumbflow: a line of its own, on the terminal while a library call runs\n";
  steps.done(1);
  call.join();
  EXPECT_TRUE(busy.empty()) << testing::PrintToString(busy);
}

TEST_F(LibraryMessages, LinesPrintedBeforeACallBeginsAreNotItsOwn) {
  Lines early_lines, late_lines;
  Steps steps;
  std::thread early([&] {
    try {
      capture_stderr_of(
          [&] {
            print_raw("libqux: from the early call\n");
            steps.done(0);
            steps.at(2);
            throw std::runtime_error("fails");
          },
          early_lines);
    } catch (const std::runtime_error&) {
    }
  });
  steps.at(1);
  capture_stderr_of([&] {}, late_lines);  // starts and ends while the early call runs
  steps.done(1);
  EXPECT_TRUE(late_lines.empty());
  early.join();
  EXPECT_EQ(early_lines, Lines{"libqux: from the early call"});
}

}  // namespace
}  // namespace thumbflow::detail
