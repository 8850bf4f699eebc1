// A DC-only decoder for baseline JPEGs at 1/8 scale. libjpeg-turbo, asked for 1/8, still
// Huffman-decodes every AC coefficient to skip it, through its general decoder; this one skips
// them with one table lookup per coefficient for the common codes, and computes each pixel as
// libjpeg does at 1/8: luma and 4:4:4/4:2:2/4:4:0 chroma by its 1x1 IDCT (the DC), 4:2:0 chroma by
// its 2x2 IDCT, chroma replicated (libjpeg does no fancy upsampling at 1/8) and YCbCr->BGR with
// its tables. Output is libjpeg's 1/8 decode, within one grey level. The same decoder also makes
// 1/4 (decode_baseline_quarter), where it decodes only each block's first ten AC coefficients.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <optional>

#include "image/format.hpp"
#include "thumbflow/geometry.hpp"

namespace thumbflow::detail {

// The image at 1/8 (ceil(width / 8) x ceil(height / 8), BGR or gray), or nullopt when this
// decoder leaves the file to libjpeg: the scale for min_size is not 1/8 (jpeg_scale_denom), the
// file is more than max_pixels (0: no limit), it is not a layout it handles (see
// parse_baseline_header), or anything about its data would make libjpeg warn or fail (a bad
// Huffman code, data ending early, a wrong or misplaced restart marker, bytes between the scan
// and EOI). So errors are always libjpeg's own, and a file decoded here is one libjpeg
// decodes without a warning, but for data that ends where the end-of-image marker should be, which
// both take with the same note (note_missing_end_marker). Never reads outside `data`.
std::optional<cv::Mat> decode_baseline_eighth(Bytes data, Dimensions min_size, std::uint64_t max_pixels);

// The same files at 1/4 (ceil(width / 4) x ceil(height / 4)), when the scale for min_size is 1/4.
// Not libjpeg's pixels: each block's 2x2 pixels (luma, and 4:4:4, 4:2:2 and 4:4:0 chroma, 2 to
// 4 per axis) come from its four lowest frequencies only, averaged over the pixels each output
// covers (block_low in the source), so all but its first five AC codes are skipped at table speed
// as at 1/8; 4:2:0 chroma (4x4 per block) from its frequencies below 4 (block_box4). What is left
// out is what the thumbnail's further reduction (at least 2x) mostly averages away: thumbnails
// made from it are within 0.5 dB (luma and colour PSNR against a full decode) of those made from
// libjpeg's 1/4 decode, or above 44 dB (tests/unit/jpeg_baseline_test.cpp). Same fallbacks.
std::optional<cv::Mat> decode_baseline_quarter(Bytes data, Dimensions min_size, std::uint64_t max_pixels);

}  // namespace thumbflow::detail
