#include "test_support.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <stdexcept>

namespace thumbflow::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "thumbflow-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

cv::Mat make_picture(int width, int height, int type, int seed) {
  cv::Mat bgr(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      bgr.at<cv::Vec3b>(y, x) = {cv::saturate_cast<uchar>(255.0 * x / std::max(1, width - 1)),
                                 cv::saturate_cast<uchar>(255.0 * y / std::max(1, height - 1)),
                                 cv::saturate_cast<uchar>(128 + 100 * std::sin((x + y) * 0.05 + seed))};
  std::mt19937 rng{static_cast<std::uint32_t>(seed)};
  for (int i = 0; i < 12; ++i) {
    const cv::Point c(int(rng() % std::uint32_t(width)), int(rng() % std::uint32_t(height)));
    const cv::Scalar colour(double(rng() % 256), double(rng() % 256), double(rng() % 256));
    cv::circle(bgr, c, 1 + int(rng() % std::uint32_t(std::max(2, std::min(width, height) / 6))), colour, -1,
               cv::LINE_AA);
  }
  cv::Mat out;
  const int channels = CV_MAT_CN(type), depth = CV_MAT_DEPTH(type);
  if (channels == 1)
    cv::cvtColor(bgr, out, cv::COLOR_BGR2GRAY);
  else if (channels == 4) {
    cv::cvtColor(bgr, out, cv::COLOR_BGR2BGRA);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x)
        out.at<cv::Vec4b>(y, x)[3] = cv::saturate_cast<uchar>(255.0 * x / std::max(1, width - 1));
  } else
    out = bgr;
  if (depth == CV_16U) out.convertTo(out, CV_16U, 257.0);
  return out;
}

double psnr_luma(const cv::Mat& a, const cv::Mat& b) {
  const auto luma = [](const cv::Mat& m) {
    cv::Mat y;
    if (m.channels() == 1)
      m.convertTo(y, CV_64F);
    else {
      cv::Mat bgr;
      if (m.channels() == 4)
        cv::cvtColor(m, bgr, cv::COLOR_BGRA2BGR);
      else
        bgr = m;
      std::vector<cv::Mat> ch;
      cv::split(bgr, ch);
      cv::Mat b64, g64, r64;
      ch[0].convertTo(b64, CV_64F);
      ch[1].convertTo(g64, CV_64F);
      ch[2].convertTo(r64, CV_64F);
      y = 0.114 * b64 + 0.587 * g64 + 0.299 * r64;
    }
    return y;
  };
  if (a.size() != b.size()) throw std::invalid_argument("psnr_luma: sizes differ");
  cv::Mat diff = luma(a) - luma(b);
  const double mse = cv::mean(diff.mul(diff))[0];
  return mse <= 1e-10 ? 100.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

std::vector<std::uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void write_text(const fs::path& path, const std::string& text) {
  write_bytes(path, std::vector<std::uint8_t>(text.begin(), text.end()));
}

std::vector<std::uint8_t> encode(const cv::Mat& image, const std::string& ext, std::vector<int> params) {
  std::vector<std::uint8_t> out;
  if (!cv::imencode(ext, image, out, params)) throw std::runtime_error("encode failed: " + ext);
  return out;
}

std::vector<std::uint8_t> jpeg_with_orientation(const cv::Mat& bgr, int orientation, bool big_endian) {
  const std::vector<std::uint8_t> plain = encode(bgr, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 95});
  const auto u16 = [&](std::vector<std::uint8_t>& v, unsigned x) {
    if (big_endian) {
      v.push_back(std::uint8_t(x >> 8));
      v.push_back(std::uint8_t(x));
    } else {
      v.push_back(std::uint8_t(x));
      v.push_back(std::uint8_t(x >> 8));
    }
  };
  const auto u32 = [&](std::vector<std::uint8_t>& v, unsigned x) {
    if (big_endian) {
      u16(v, x >> 16);
      u16(v, x & 0xFFFF);
    } else {
      u16(v, x & 0xFFFF);
      u16(v, x >> 16);
    }
  };
  std::vector<std::uint8_t> tiff;
  tiff.push_back(big_endian ? 'M' : 'I');
  tiff.push_back(big_endian ? 'M' : 'I');
  u16(tiff, 42);
  u32(tiff, 8);       // IFD0 offset
  u16(tiff, 1);       // one entry
  u16(tiff, 0x0112);  // Orientation
  u16(tiff, 3);       // SHORT
  u32(tiff, 1);
  u16(tiff, unsigned(orientation));
  u16(tiff, 0);
  u32(tiff, 0);  // no next IFD
  return with_exif(plain, tiff);
}

std::vector<std::uint8_t> with_exif(const std::vector<std::uint8_t>& jpeg,
                                    const std::vector<std::uint8_t>& tiff) {
  std::vector<std::uint8_t> app1 = {'E', 'x', 'i', 'f', 0, 0};
  app1.insert(app1.end(), tiff.begin(), tiff.end());
  const std::size_t len = app1.size() + 2;
  std::vector<std::uint8_t> out;
  out.reserve(6 + app1.size() + jpeg.size());
  for (const unsigned b : {0xFFu, 0xD8u, 0xFFu, 0xE1u, unsigned(len >> 8), unsigned(len & 0xFF)})
    out.push_back(std::uint8_t(b));
  std::copy(app1.begin(), app1.end(), std::back_inserter(out));
  std::copy(jpeg.begin() + 2, jpeg.end(), std::back_inserter(out));  // skip the encoder's SOI
  return out;
}

std::vector<std::uint8_t> exif_colour_space(int colour_space, const std::string& interop_index) {
  std::vector<std::uint8_t> t = {'M', 'M', 0, 42, 0, 0, 0, 8};
  const auto u16 = [&](unsigned x) {
    t.push_back(std::uint8_t(x >> 8));
    t.push_back(std::uint8_t(x));
  };
  const auto u32 = [&](unsigned x) { u16(x >> 16), u16(x & 0xFFFF); };
  const auto entry = [&](unsigned tag, unsigned type, unsigned count, unsigned value) {
    u16(tag), u16(type), u32(count);
    if (type == 3)
      u16(value), u16(0);
    else
      u32(value);
  };
  const bool interop = !interop_index.empty();
  u16(1);  // IFD0 at 8: the Exif IFD pointer
  entry(0x8769, 4, 1, 26);
  u32(0);
  u16(interop ? 2 : 1);  // Exif IFD at 26
  entry(0xA001, 3, 1, unsigned(colour_space));
  if (interop) entry(0xA005, 4, 1, 56);  // the interoperability IFD follows
  u32(0);
  if (interop) {
    u16(1);
    u16(0x0001), u16(2), u32(4);  // InteroperabilityIndex, ASCII, 3 characters and a NUL, inline
    for (std::size_t i = 0; i < 4; ++i)
      t.push_back(i < interop_index.size() ? std::uint8_t(interop_index[i]) : 0);
    u32(0);
  }
  return t;
}

cv::Mat store_for_orientation(const cv::Mat& upright, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2:
      cv::flip(upright, out, 1);
      break;
    case 3:
      cv::rotate(upright, out, cv::ROTATE_180);
      break;
    case 4:
      cv::flip(upright, out, 0);
      break;
    case 5:
      cv::transpose(upright, out);
      break;
    case 6:
      cv::rotate(upright, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      break;
    case 7:
      cv::rotate(upright, out, cv::ROTATE_180);
      cv::transpose(out, out);
      break;
    case 8:
      cv::rotate(upright, out, cv::ROTATE_90_CLOCKWISE);
      break;
    default:
      out = upright.clone();
      break;
  }
  return out;
}

namespace {

void drain(int fd, std::string& into) {
  char buf[4096];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  if (n > 0) into.append(buf, std::size_t(n));
}

// True once process `pid` has a handler for `sig` (the SigCgt mask of /proc/PID/status), or when
// that cannot be read (the process is gone, or no /proc).
bool catches_signal(pid_t pid, int sig) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("SigCgt:", 0) == 0) return (std::stoull(line.substr(7), nullptr, 16) >> (sig - 1)) & 1u;
  return true;
}

}  // namespace

void exec_child(const std::vector<std::string>& argv, const std::string& stdin_path, int out_fd, int err_fd) {
  const int input = ::open(stdin_path.c_str(), O_RDONLY);
  if (input < 0) ::_exit(126);
  ::dup2(input, 0);
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  // Only 0-2 may stay open: a child that daemonizes (tmux) redirects 0-2 but would keep a stray
  // copy of a pipe's write end, and the parent's wait would last until the timeout.
  for (const int fd : {input, out_fd, err_fd})
    if (fd > 2) ::close(fd);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

CommandResult run_command(const std::vector<std::string>& argv, int timeout_s, int sigint_after_ms,
                          const std::string& stdin_path, int signal_number) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    exec_child(argv, stdin_path, out_pipe[1], err_pipe[1]);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  CommandResult result;
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::seconds(timeout_s);
  bool interrupted = sigint_after_ms < 0;
  // The delay counts from when the child handles the signal: a slow start (a sanitizer build, a
  // loaded machine) must not turn "Ctrl-C during the run" into "killed before main".
  auto handling_since = started, signalled_at = started;
  bool handling = interrupted;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0 && std::chrono::steady_clock::now() < deadline) {
    if (!handling && catches_signal(pid, signal_number)) {
      handling = true;
      handling_since = std::chrono::steady_clock::now();
    }
    if (handling && !interrupted &&
        std::chrono::steady_clock::now() - handling_since >= std::chrono::milliseconds(sigint_after_ms)) {
      ::kill(pid, signal_number);
      interrupted = true;
      signalled_at = std::chrono::steady_clock::now();
    }
    if (::poll(fds, 2, 20) <= 0) continue;
    for (auto& f : fds) {
      if (f.fd < 0 || !(f.revents & (POLLIN | POLLHUP))) continue;
      std::string& into = f.fd == out_pipe[0] ? result.out : result.err;
      const std::size_t before = into.size();
      drain(f.fd, into);
      if (into.size() == before) {
        ::close(f.fd);
        f.fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  if (open_fds > 0) ::kill(pid, SIGKILL);
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  result.max_rss_kb = usage.ru_maxrss;
  if (interrupted && sigint_after_ms >= 0)
    result.seconds_after_signal =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled_at).count();
  for (auto& f : fds)
    if (f.fd >= 0) ::close(f.fd);
  result.exit_code = open_fds > 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace thumbflow::test
