// GIF decoding on giflib's low-level reader (DGifOpen on memory, one record at a time): the
// whole file is never slurped, each frame is decoded one line at a time onto a canvas the size
// of the logical screen, so memory is the screen (plus the frames asked for), whatever the file
// declares per frame.
#include "image/gif_decoder.hpp"

#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "image/decode_error.hpp"
#include "image/pixel_limit.hpp"

namespace thumbflow::detail {
namespace {

// Without --max-pixels a GIF screen is still bounded, as OpenCV bounds the formats it reads.
constexpr std::uint64_t kDefaultMaxPixels = std::uint64_t{1} << 30;

// giflib's error codes in our words (our wording, and no reliance on GifErrorString's table).
const char* reason(int code) {
  switch (code) {
    case D_GIF_ERR_OPEN_FAILED:
    case D_GIF_ERR_READ_FAILED:
    case D_GIF_ERR_EOF_TOO_SOON:
      return "truncated GIF (the data ends too soon)";
    case D_GIF_ERR_NOT_GIF_FILE:
      return "not a GIF file (bad signature)";
    case D_GIF_ERR_NO_SCRN_DSCR:
      return "truncated GIF (no screen descriptor)";
    case D_GIF_ERR_NO_IMAG_DSCR:
      return "corrupt GIF (bad image descriptor)";
    case D_GIF_ERR_NO_COLOR_MAP:
      return "corrupt GIF (a frame has no colour table, local or global)";
    case D_GIF_ERR_WRONG_RECORD:
      return "corrupt GIF (unknown block type)";
    case D_GIF_ERR_DATA_TOO_BIG:
      return "corrupt GIF (a frame holds more pixels than its size)";
    case D_GIF_ERR_NOT_ENOUGH_MEM:
      return "cannot decode GIF (out of memory)";
    case D_GIF_ERR_IMAGE_DEFECT:
      return "corrupt GIF (bad LZW data)";
    default:
      return "corrupt GIF";
  }
}

[[noreturn]] void fail(int code) { throw DecodeError(reason(code)); }

struct Source {
  Bytes data;
  std::size_t at = 0;
};

int read_from_memory(GifFileType* gif, GifByteType* out, int n) {
  auto* src = static_cast<Source*>(gif->UserData);
  const std::size_t take = std::min<std::size_t>(std::size_t(std::max(n, 0)), src->data.size() - src->at);
  std::memcpy(out, src->data.data() + src->at, take);
  src->at += take;
  return int(take);
}

struct GifCloser {
  void operator()(GifFileType* gif) const { DGifCloseFile(gif, nullptr); }
};
using GifHandle = std::unique_ptr<GifFileType, GifCloser>;

// The graphics control block in force for the next frame (reset after each frame).
struct Control {
  int disposal = DISPOSAL_UNSPECIFIED;
  int transparent = NO_TRANSPARENT_COLOR;
  int delay_ms = 0;
};

// Reads one extension; a graphic control extension sets `c` (for the next image), any other
// (comment, application, plain text) leaves it as it was.
void read_extension(GifFileType* gif, Control& c) {
  int code = 0;
  GifByteType* block = nullptr;
  if (DGifGetExtension(gif, &code, &block) != GIF_OK) fail(gif->Error);
  if (code == GRAPHICS_EXT_FUNC_CODE && block != nullptr && block[0] >= 4) {
    GraphicsControlBlock gcb;
    if (DGifExtensionToGCB(block[0], block + 1, &gcb) == GIF_OK) {
      c.disposal = gcb.DisposalMode;
      c.transparent = gcb.TransparentColor;
      c.delay_ms = gcb.DelayTime * 10;
    }
  }
  while (block != nullptr)
    if (DGifGetExtensionNext(gif, &block) != GIF_OK) fail(gif->Error);
}

// Rows of an interlaced frame in the order they are stored: every 8th from 0, every 8th from
// 4, every 4th from 2, every 2nd from 1.
std::vector<int> row_order(int height, bool interlaced) {
  std::vector<int> rows;
  rows.reserve(std::size_t(height));
  if (!interlaced) {
    for (int y = 0; y < height; ++y) rows.push_back(y);
    return rows;
  }
  constexpr int kStart[] = {0, 4, 2, 1}, kStep[] = {8, 8, 4, 2};
  for (int pass = 0; pass < 4; ++pass)
    for (int y = kStart[pass]; y < height; y += kStep[pass]) rows.push_back(y);
  return rows;
}

// Decodes the current frame's pixels onto the canvas (BGRA), clipped to it; transparent indices
// leave the canvas as it was. An index past the colour table is drawn black (as browsers do).
void draw_frame(GifFileType* gif, const Control& control, cv::Mat& canvas) {
  const GifImageDesc& d = gif->Image;
  const ColorMapObject* map = d.ColorMap != nullptr ? d.ColorMap : gif->SColorMap;
  if (map == nullptr) fail(D_GIF_ERR_NO_COLOR_MAP);
  std::vector<GifPixelType> line(std::size_t(std::max(d.Width, 1)));
  for (const int y : row_order(d.Height, d.Interlace)) {
    if (DGifGetLine(gif, line.data(), d.Width) != GIF_OK) fail(gif->Error);
    const int cy = d.Top + y;
    if (cy < 0 || cy >= canvas.rows) continue;
    auto* row = canvas.ptr<cv::Vec4b>(cy);
    const int x_end = std::min(d.Width, canvas.cols - d.Left);
    for (int x = std::max(0, -d.Left); x < x_end; ++x) {
      const int index = line[std::size_t(x)];
      if (index == control.transparent) continue;
      cv::Vec4b& px = row[d.Left + x];
      if (index < map->ColorCount) {
        const GifColorType& c = map->Colors[index];
        px = {c.Blue, c.Green, c.Red, 255};
      } else {
        px = {0, 0, 0, 255};
      }
    }
  }
}

// The frame's rectangle clipped to the canvas (possibly empty).
cv::Rect clipped_rect(const GifImageDesc& d, const cv::Mat& canvas) {
  return cv::Rect(d.Left, d.Top, d.Width, d.Height) & cv::Rect(0, 0, canvas.cols, canvas.rows);
}

// True if every pixel of the BGRA canvas is opaque. Read in place: splitting the canvas into
// planes first took 4 more bytes per pixel (a 9999x9999 GIF of 75 KB peaked at 1.1 GB).
bool opaque(const cv::Mat& canvas) {
  for (int y = 0; y < canvas.rows; ++y) {
    const auto* row = canvas.ptr<cv::Vec4b>(y);
    std::uint8_t all = 255;
    for (int x = 0; x < canvas.cols; ++x) all &= row[x][3];
    if (all != 255) return false;
  }
  return true;
}

cv::Mat first_frame_pixels(const cv::Mat& canvas) {
  if (!opaque(canvas)) return canvas.clone();
  cv::Mat bgr;
  cv::cvtColor(canvas, bgr, cv::COLOR_BGRA2BGR);
  return bgr;
}

}  // namespace

DecodedPixels decode_gif(Bytes data, const DecodeRequest& request) {
  const Dimensions screen = read_gif_header(data).size;
  const std::uint64_t max_pixels = request.max_pixels != 0 ? request.max_pixels : kDefaultMaxPixels;
  check_pixel_limit(screen, max_pixels);
  if (screen.width == 0 || screen.height == 0) throw DecodeError("GIF declares an empty screen");
  if (request.all_frames)
    check_frame_budget(std::uint64_t(count_gif_frames(data)), screen, request.max_frame_pixels);

  Source source{data};
  int error = 0;
  const GifHandle gif(DGifOpen(&source, read_from_memory, &error));
  if (!gif) fail(error);

  DecodedPixels out;
  cv::Mat canvas(screen.height, screen.width, CV_8UC4, cv::Scalar::all(0));
  Control control;
  bool done = false;
  while (!done) {
    GifRecordType record = UNDEFINED_RECORD_TYPE;
    if (DGifGetRecordType(gif.get(), &record) != GIF_OK) {
      // A trailer missing after complete frames is common (encoders that stop writing): keep
      // what was decoded. Anything else, or no frame at all, fails the image.
      if (out.pixels.empty() || gif->Error != D_GIF_ERR_READ_FAILED) fail(gif->Error);
      out.warnings.emplace_back("GIF ends without a trailer after " + std::to_string(out.frames.size()) +
                                " frames");
      break;
    }
    switch (record) {
      case EXTENSION_RECORD_TYPE:
        read_extension(gif.get(), control);
        break;
      case IMAGE_DESC_RECORD_TYPE: {
        if (DGifGetImageDesc(gif.get()) != GIF_OK) fail(gif->Error);
        const GifImageDesc& d = gif->Image;
        check_pixel_limit({d.Width, d.Height}, max_pixels);
        const cv::Rect area = clipped_rect(d, canvas);
        // Disposal 3 restores what was under the frame: keep that part before drawing.
        const cv::Mat under = control.disposal == DISPOSE_PREVIOUS ? canvas(area).clone() : cv::Mat();
        draw_frame(gif.get(), control, canvas);
        if (out.pixels.empty()) out.pixels = first_frame_pixels(canvas);
        if (!request.all_frames) {
          done = true;
          break;
        }
        out.frames.push_back({canvas.clone(), control.delay_ms});
        if (control.disposal == DISPOSE_BACKGROUND)
          canvas(area).setTo(cv::Scalar::all(0));  // to transparent, as browsers and libvips do
        else if (control.disposal == DISPOSE_PREVIOUS && !area.empty())  // an empty clone has no type
          under.copyTo(canvas(area));
        control = Control{};
        break;
      }
      case TERMINATE_RECORD_TYPE:
        done = true;
        break;
      default:
        fail(D_GIF_ERR_WRONG_RECORD);
    }
  }
  if (out.pixels.empty()) throw DecodeError("GIF has no frames");
  if (out.frames.size() < 2) out.frames.clear();
  return out;
}

}  // namespace thumbflow::detail
