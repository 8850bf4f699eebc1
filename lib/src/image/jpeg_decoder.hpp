// JPEG decoding on libjpeg-turbo with shrink-on-load.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "image/format.hpp"
#include "thumbflow/geometry.hpp"

namespace thumbflow::detail {

struct JpegInfo {
  Dimensions size{};   // as stored, before EXIF orientation
  int components = 0;  // 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK
  bool progressive = false;
};

// Reads the header only. Throws DecodeError if it is not a readable JPEG header.
JpegInfo read_jpeg_info(Bytes data);

// The size whose pixels decoding a JPEG of `info` at min_size holds: a sequential file is decoded
// row by row at its DCT scale (ceil(side / denom), jpeg_scale_denom), a progressive one keeps the
// coefficients of the whole stored picture. --max-pixels applies to this size, so that a 200 MP
// phone photo makes a thumbnail in ~40 MB, while a progressive one is still refused.
Dimensions jpeg_held_size(const JpegInfo& info, Dimensions min_size);

// Decodes to 8-bit BGR (CV_8UC3) or gray (CV_8UC1); CMYK/YCCK (Adobe inverted or not) becomes BGR.
// min_size: the smallest decoded size acceptable in stored orientation; the decoder uses the
// largest DCT reduction (1/2, 1/4, 1/8) whose output is still at least that large on both sides.
// {0,0} means full size. Any libjpeg warning (truncated data, corrupt entropy data) is an error:
// throws DecodeError with a one-line reason. Thread-safe (no shared state).
cv::Mat decode_jpeg(Bytes data, Dimensions min_size);

// As above, but first refuses (DecodeError) an image whose header declares more than max_pixels
// (width * height, as stored); 0 means no limit. The two-argument form has no limit: its caller
// checks the size with read_jpeg_info. Either way libjpeg's own working memory is capped.
// `eighths`, when given, receives the scale used (jpeg_scale_eighths).
cv::Mat decode_jpeg(Bytes data, Dimensions min_size, std::uint64_t max_pixels, int* eighths = nullptr);

// decode_jpeg does baseline files at 1/8 with its own DC-only decoder (jpeg_baseline.hpp) when it
// can; this is the same decode always done by libjpeg (the reference for tests and the bench).
cv::Mat decode_jpeg_libjpeg(Bytes data, Dimensions min_size, std::uint64_t max_pixels);

// As decode_jpeg_libjpeg, but a CMYK/YCCK JPEG gives its CMYK samples (CV_8UC4, 0 = no ink, Adobe
// inversion undone) for a conversion through the file's ICC profile; other JPEGs decode as usual.
cv::Mat decode_jpeg_cmyk(Bytes data, Dimensions min_size, std::uint64_t max_pixels, int* eighths = nullptr);

// CMYK samples to BGR by the naive formula (no profile): R = (1 - C)(1 - K) ... `inverted`: the
// samples are stored as Adobe (Photoshop) writes them, 255 = no ink (an APP14 "Adobe" segment;
// YCCK only exists in such files). CMYK with alpha (5 channels, TIFF) gives BGRA.
cv::Mat cmyk_to_bgr(const cv::Mat& cmyk, bool inverted);

// The DCT scale denominator (1, 2, 4 or 8) decode_jpeg uses for a JPEG stored at `stored`: the
// largest whose output, ceil(side / denom), is still >= min_size on both sides. A zero side of
// min_size leaves that side unconstrained; {0,0} means full size (1).
int jpeg_scale_denom(Dimensions stored, Dimensions min_size);

// The DCT scale decode_jpeg uses, in eighths (libjpeg-turbo scales by M/8 for M = 1..8): for a
// progressive file the smallest M whose output, ceil(side * M / 8), is still >= min_size on both
// sides, since fewer frequencies mean fewer scans to read (5/8 reads 1.7x faster than the whole
// file); for a baseline file jpeg_scale_denom's, as 8 / denom, since its 3/8, 5/8, 6/8 and 7/8
// IDCTs are not vectorised and cost more than the vectorised 8x8 one of a full decode.
int jpeg_scale_eighths(Dimensions stored, Dimensions min_size, bool progressive);

// What a decode on this thread found amiss in a file it still decoded, for the caller to make the
// item's warnings (see jpeg_decoder.cpp): note_missing_end_marker records that the data is whole
// but ends without the end-of-image marker; take_jpeg_notes tells and forgets every note.
void note_missing_end_marker();
std::vector<std::string> take_jpeg_notes();

// Progressive JPEGs with more scans than this are refused ("too many scans"): each scan is a pass
// over the whole image, and a hostile file can have thousands of tiny ones.
inline constexpr int kMaxJpegScans = 1000;

}  // namespace thumbflow::detail
