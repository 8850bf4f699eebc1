// The codec table: one row per readable format. A format is one file (its header reader and its
// decoder) and one row in codecs.cpp; decode.cpp keeps the steps every format shares (pixel limit
// before decoding, integrity check, orientation, thumbnail geometry) and knows no format by name.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "image/format.hpp"
#include "image/header.hpp"
#include "thumbflow/geometry.hpp"

namespace thumbflow::detail {

struct DecodeRequest {
  Dimensions stored{};  // the size the header declared ({0,0} if it did not say)
  // The smallest decoded size acceptable, in the orientation the header describes; a decoder that
  // can shrink on load may return anything at least this large on both sides. {0,0}: full size.
  Dimensions min_size{};
  // The largest thumbnail that will be made from the pixels (in the same orientation; {0,0}: not
  // known, the full size): a decoder choosing among stored pictures of other sizes (a RAW file's
  // preview) takes one at least this large.
  Dimensions largest_output{};
  // The --max-pixels limit (0 = none). decode.cpp checks the header's size before calling; a
  // decoder checks again whatever it finds later (a frame, a layer, a tile larger than declared).
  std::uint64_t max_pixels = 0;
  // Animated images: decode every frame into DecodedPixels::frames (else only the first frame).
  bool all_frames = false;
  // With all_frames: refuse (DecodeError) an animation whose frames x canvas pixels exceed this,
  // counted before any frame is decoded (0 = no limit).
  std::uint64_t max_frame_pixels = 0;
};

// Colour as stated by the file without an ICC profile: ITU-T H.273 code points (HEIF nclx, AVIF,
// JPEG XL). 2 means unspecified.
struct Cicp {
  int primaries = 2;
  int transfer = 2;
  int matrix = 2;
  bool full_range = true;
};

struct AnimationFrame {
  cv::Mat pixels;  // the whole canvas after compositing this frame, BGRA
  int delay_ms = 0;
};

struct DecodedPixels {
  // In the orientation the header describes; CV_8U/16U/32F with 1, 3 (BGR) or 4 (BGRA) channels.
  cv::Mat pixels;
  // Stored pixels per decoded pixel when the decoder scaled by an exact ratio (JPEG DCT scaling,
  // where the last block row stands for fewer pixels), else 1.
  double scale = 1;
  std::vector<std::uint8_t> icc;  // embedded ICC profile, empty if none
  // The decoder looked for the file's profile itself (`icc`, and any warning about a malformed one
  // in `warnings`): the shared step does not look again (which would repeat the warning).
  bool profile_read = false;
  Cicp cicp;  // when the file states colour as code points
  // The pixels are CMYK (CV_8UC4, 0 = no ink; CV_8UC(5) with alpha last) for the colour step to
  // convert with `icc`.
  bool cmyk = false;
  // What the decoder noticed without failing (a library warning, a recovered error), one line each
  // without the file name: it ends up in the item's report (ItemResult::warnings).
  std::vector<std::string> warnings;
  // Filled only when DecodeRequest::all_frames and the image has more than one frame.
  std::vector<AnimationFrame> frames;
};

struct Codec {
  ImageFormat format;
  // Size and orientation from the header alone (cheap: run before the pixel limit). Throws
  // DecodeError when the header is cut short. A decoder that applies the picture's rotation itself
  // (HEIF irot/imir, JPEG XL) reports the rotated size and orientation 1.
  ImageHeader (*header)(Bytes data);
  // Decodes; throws DecodeError with a one-line reason. Thread-safe.
  DecodedPixels (*decode)(Bytes data, const DecodeRequest& request);
  // The size whose pixels the decoder holds for a file of `stored` size asked for `min_size`
  // (--max-pixels is checked on it): a decoder that shrinks on load without ever holding the whole
  // picture (a sequential JPEG) holds less. Null: the stored size.
  Dimensions (*held)(Bytes data, Dimensions stored, Dimensions min_size) = nullptr;
};

// The row for `format`, or null when thumbflow cannot read it.
const Codec* find_codec(ImageFormat format);

}  // namespace thumbflow::detail
