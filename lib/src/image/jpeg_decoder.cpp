// JPEG decoding on libjpeg-turbo: DCT-scaled decode, partial decode of progressive files (only the
// scans the scaled IDCT needs), CMYK/YCCK to BGR, and every libjpeg warning treated as an error.
#include "image/jpeg_decoder.hpp"

#include <jerror.h>
#include <jpeglib.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>  // jpeglib.h uses FILE without including it
#include <cstring>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "image/decode_error.hpp"
#include "image/jpeg_baseline.hpp"
#include "image/pixel_limit.hpp"

namespace thumbflow::detail {
namespace {

// libjpeg's own working memory; the whole-image coefficient buffer of a progressive file (2 bytes
// per sample) is the big item: 800 MB for 100 MP (the default pixel limit) with four unsubsampled
// components. Past this libjpeg fails instead of asking the OS for more.
constexpr long kMaxDecoderMemory = 1024L << 20;

// The notes of this thread's last decode (take_jpeg_notes).
thread_local std::vector<std::string> t_notes;

// A coefficient known to within 2^shift quantisation steps is good enough for a scaled-down image
// when shift is at most: DC 1 (an error of at most one grey level at typical qualities); AC 2 at
// 1/4 (2x2 per block) and below, the precision libjpeg's standard script first sends luma AC at,
// its refinements being the larger half of the file; AC 1 at 1/2, whose 4x4 blocks show the error:
// at shift 2, 35.6 dB luma PSNR against the full decode area-averaged to 1/2 (aloeL_progressive.jpg).
constexpr int kMaxDcShift = 1;
int max_ac_shift(int output_block) { return output_block <= 2 ? 2 : 1; }

// One libjpeg decompressor with its error handling. libjpeg reports errors and warnings through
// callbacks that longjmp back to the setjmp in `guarded`; the frames skipped must hold no C++
// object with a destructor (only libjpeg's C frames and lambdas capturing by reference).
struct Decompressor {
  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr err{};
  jpeg_progress_mgr progress{};
  std::jmp_buf jump{};
  char message[JMSG_LENGTH_MAX + 64]{};
  bool ended_early = false;  // the data ended (JWRN_JPEG_EOF let through, see on_message)

  Decompressor();
  ~Decompressor() { jpeg_destroy_decompress(&cinfo); }  // safe on a never-created object
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;
};

Decompressor& owner(j_common_ptr cinfo) { return *static_cast<Decompressor*>(cinfo->client_data); }

[[noreturn]] void fail(Decompressor& d, const char* prefix, const char* reason) {
  // Lower-case the first word of libjpeg's sentence-case messages, but not acronyms ("JPEG").
  const bool lower = reason[0] >= 'A' && reason[0] <= 'Z' && reason[1] >= 'a' && reason[1] <= 'z';
  std::snprintf(d.message, sizeof d.message, "%s%c%s", prefix, lower ? reason[0] - 'A' + 'a' : reason[0],
                reason[0] != '\0' ? reason + 1 : reason);
  std::longjmp(d.jump, 1);
}

[[noreturn]] void on_error(j_common_ptr cinfo) {
  Decompressor& d = owner(cinfo);
  const int code = cinfo->err->msg_code;
  if (code == JERR_NO_BACKING_STORE || code == JERR_OUT_OF_MEMORY) {
    std::snprintf(d.message, sizeof d.message, "needs more than the %ld MiB of JPEG decoder memory allowed",
                  kMaxDecoderMemory >> 20);
    std::longjmp(d.jump, 1);
  }
  // Valid files of kinds libjpeg-turbo does not decode are "unsupported", not "invalid".
  if (code == JERR_BAD_PRECISION) {
    std::snprintf(d.message, sizeof d.message,
                  "unsupported JPEG: %d-bit samples (thumbflow reads 8-bit JPEGs)",
                  cinfo->err->msg_parm.i[0]);
    std::longjmp(d.jump, 1);
  }
  if (code == JERR_SOF_UNSUPPORTED) {
    const int sof = cinfo->err->msg_parm.i[0] - 0xC0;
    const bool lossless = sof == 3 || sof == 7 || sof == 11 || sof == 15;
    std::snprintf(d.message, sizeof d.message, "unsupported JPEG: %s%s coding (SOF%d)",
                  sof == 5 || sof == 6 || sof == 7 || sof >= 13 ? "hierarchical " : "",
                  lossless ? "lossless" : "differential", sof);
    std::longjmp(d.jump, 1);
  }
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  fail(d, "invalid JPEG: ", text);
}

// Warnings (level -1) mean corrupt or missing data; libjpeg would go on and fill the rest with
// grey. Trace messages (level >= 0) are ignored. One is let through: a single-scan sequential
// file whose data simply ends without the end-of-image marker (cameras and interrupted copies leave
// such files) warns JWRN_JPEG_EOF alone, and libjpeg goes on with a marker of its own; had the
// scan's data been cut short, JWRN_HIT_MARKER follows and fails it. A decode that succeeds so
// leaves a note for its caller (take_missing_end_marker_note).
void on_message(j_common_ptr cinfo, int level) {
  if (level >= 0) return;
  cinfo->err->num_warnings++;
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  Decompressor& owned = owner(cinfo);
  const auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  // Only Huffman coding warns again (JWRN_HIT_MARKER) when the data was cut short: the arithmetic
  // decoder takes zeros after a marker silently, so such files keep failing here.
  if (cinfo->err->msg_code == JWRN_JPEG_EOF && cinfo->is_decompressor && !d->progressive_mode &&
      !d->arith_code && d->comps_in_scan == d->num_components && !owned.ended_early) {
    owned.ended_early = true;  // noted once the decode has succeeded (decode_with_libjpeg)
    return;
  }
  // After the end of the data, the cause is that end, whatever libjpeg says next.
  fail(owned, "truncated or corrupt JPEG: ", owned.ended_early ? "Premature end of JPEG file" : text);
}

// Called once per iMCU row while libjpeg absorbs a multi-scan file; caps the scans read.
void on_progress(j_common_ptr cinfo) {
  Decompressor& d = owner(cinfo);
  if (d.cinfo.input_scan_number > kMaxJpegScans) fail(d, "", "too many scans (over 1000)");
}

Decompressor::Decompressor() {
  cinfo.err = jpeg_std_error(&err);
  err.error_exit = on_error;
  err.emit_message = on_message;
  cinfo.client_data = this;
  progress.progress_monitor = on_progress;
}

// Runs `step` (libjpeg calls only, see Decompressor) and turns a libjpeg error into DecodeError.
template <class Step>
void guarded(Decompressor& d, Step step) {
  if (setjmp(d.jump) == 0) {
    step();
    return;
  }
  throw DecodeError(d.message);
}

void open(Decompressor& d, Bytes data) {
  guarded(d, [&] {
    jpeg_CreateDecompress(&d.cinfo, JPEG_LIB_VERSION, sizeof(jpeg_decompress_struct));
    d.cinfo.mem->max_memory_to_use = kMaxDecoderMemory;
    d.cinfo.progress = &d.progress;
    jpeg_mem_src(&d.cinfo, data.data(), static_cast<unsigned long>(data.size()));
    jpeg_read_header(&d.cinfo, TRUE);
  });
}

Dimensions stored_size(const jpeg_decompress_struct& c) {
  return {static_cast<int>(c.image_width), static_cast<int>(c.image_height)};
}

struct OutputPlan {
  J_COLOR_SPACE space;
  int cv_type;
  bool cmyk;
};

// Other colour spaces (JCS_UNKNOWN) make libjpeg fail with "unsupported color conversion".
OutputPlan plan_output(const jpeg_decompress_struct& c) {
  switch (c.jpeg_color_space) {
    case JCS_GRAYSCALE:
      return {JCS_GRAYSCALE, CV_8UC1, false};
    case JCS_CMYK:
    case JCS_YCCK:
      return {JCS_CMYK, CV_8UC4, true};
    default:
      return {JCS_EXT_BGR, CV_8UC3, false};
  }
}

// Reads the rest of the current output pass into `out`, which has the output size and type.
void read_rows(jpeg_decompress_struct& c, cv::Mat& out) {
  while (c.output_scanline < c.output_height) {
    JSAMPROW rows[4];
    const auto first = static_cast<int>(c.output_scanline);
    const int count = std::min({c.rec_outbuf_height, 4, out.rows - first});
    for (int i = 0; i < count; ++i) rows[i] = out.ptr<JSAMPLE>(first + i);
    if (jpeg_read_scanlines(&c, rows, static_cast<JDIMENSION>(count)) == 0)
      throw DecodeError("truncated JPEG (decoder suspended)");  // cannot happen with a memory source
  }
}

void decode_all(Decompressor& d, cv::Mat& out) {
  guarded(d, [&] {
    jpeg_start_decompress(&d.cinfo);
    read_rows(d.cinfo, out);
    jpeg_finish_decompress(&d.cinfo);
  });
}

// The last zigzag position inside the k x k lowest frequencies (the natural order of JPEG's
// zigzag scan, ITU T.81 figure A.6): 0 at k = 1, 4 at 2, 12 at 3, 24 at 4, ... 63 at 8.
int last_needed_zigzag(int output_block) {
  static constexpr int kNatural[DCTSIZE2] = {0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,
                                             12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6,  7,  14, 21, 28,
                                             35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
                                             58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};
  int last = 0;
  for (int i = 0; i < DCTSIZE2; ++i)
    if (kNatural[i] / DCTSIZE < output_block && kNatural[i] % DCTSIZE < output_block) last = i;
  return last;
}

// The precision of every coefficient as far as the scans read so far have sent it (the state of
// libjpeg's coef_bits before the current scan's header updated it): -1 = not yet sent, else Al.
struct Progression {
  int bits[MAX_COMPONENTS][DCTSIZE2];
  Progression() {
    for (auto& component : bits)
      for (int& b : component) b = -1;
  }

  void add_scan(const jpeg_decompress_struct& c) {
    for (int i = 0; i < c.comps_in_scan; ++i)
      for (int k = c.Ss; k <= c.Se; ++k) bits[c.cur_comp_info[i]->component_index][k] = c.Al;
  }

  // True when every component's coefficients for a k x k output block are known well enough.
  bool covers(int components, int output_block) const {
    const int last = last_needed_zigzag(output_block), ac_shift = max_ac_shift(output_block);
    for (int ci = 0; ci < components; ++ci)
      for (int k = 0; k <= last; ++k) {
        const int b = bits[ci][k];
        if (b < 0 || b > (k == 0 ? kMaxDcShift : ac_shift)) return false;
      }
    return true;
  }
};

// Reads the rest of the current scan. Returns false at the end of the image, true when the next
// scan's header has been read (its parameters are then in cinfo).
bool next_scan(jpeg_decompress_struct& c) {
  for (;;) {
    switch (jpeg_consume_input(&c)) {
      case JPEG_REACHED_SOS:
        return true;
      case JPEG_REACHED_EOI:
        return false;
      case JPEG_SUSPENDED:
        throw DecodeError("truncated JPEG (decoder suspended)");
      default:
        break;  // a row or a scan completed
    }
  }
}

// Absorbs scans until those read carry the coefficients a k x k output block needs, for every
// component (or the file ends), and returns the scan to output. A script that sends the needed coefficients
// late (or at low precision until the end) simply reads on, up to the whole file: the full decode's result.
int absorb_scans(Decompressor& d, int output_block) {
  jpeg_decompress_struct& c = d.cinfo;
  Progression read;
  for (;;) {
    // Here cinfo holds the header of scan input_scan_number, whose data is still unread. Starting
    // the output at the scan before it makes libjpeg output the buffer without reading further.
    if (read.covers(c.num_components, output_block)) return c.input_scan_number - 1;
    read.add_scan(c);
    if (!next_scan(c)) return c.input_scan_number;
    if (c.input_scan_number > kMaxJpegScans) fail(d, "", "too many scans (over 1000)");
  }
}

// Whether JPEG data from `p`, where a scan's entropy-coded data starts, goes on to the end-of-image
// marker: entropy-coded data is passed over up to its next marker (stuffed 0xFF00 and restart
// markers belong to it), marker segments by their length. Reads nothing outside the n bytes.
bool reaches_end_marker(const std::uint8_t* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    const void* found = std::memchr(p + i, 0xFF, n - i);
    if (found == nullptr) return false;
    std::size_t j = std::size_t(static_cast<const std::uint8_t*>(found) - p) + 1;
    while (j < n && p[j] == 0xFF) ++j;  // fill bytes
    if (j >= n) return false;
    const std::uint8_t code = p[j];
    if (code == 0xD9) return true;
    if (code == 0x00 || code == 0x01 || (code >= 0xD0 && code <= 0xD8)) {
      i = j + 1;  // no length: stuffed byte, TEM, restart, SOI
      continue;
    }
    if (n - j < 3) return false;
    const std::size_t length = std::size_t{p[j + 1]} << 8 | p[j + 2];
    if (length < 2) return false;
    i = j + 1 + length;
  }
  return false;
}

// Progressive file at M/8 (M < 8): the scaled IDCT of a k x k output block is given the k x k
// lowest frequencies, so the scans that only carry higher ones (and the last refinement bits) need
// not be decoded; they are left out (zero), which removes exactly the detail the smaller image
// cannot show. Every component gets the luma block's k, as chroma did at 1/8 before (DC only).
// Block smoothing only estimates missing AC coefficients: off.
// The scans left unread are not decoded, but a file cut inside them is still a damaged picture:
// a cut there is the item's warning (its thumbnail is the whole file's).
void decode_partial(Decompressor& d, cv::Mat& out) {
  bool whole = true;
  guarded(d, [&] {
    d.cinfo.buffered_image = TRUE;
    d.cinfo.do_block_smoothing = FALSE;
    jpeg_start_decompress(&d.cinfo);
    jpeg_start_output(&d.cinfo, absorb_scans(d, d.cinfo.min_DCT_scaled_size));
    read_rows(d.cinfo, out);
    jpeg_finish_output(&d.cinfo);
    whole = jpeg_input_complete(&d.cinfo) != FALSE ||
            reaches_end_marker(d.cinfo.src->next_input_byte, d.cinfo.src->bytes_in_buffer);
    jpeg_abort_decompress(&d.cinfo);
  });
  if (!whole)
    t_notes.emplace_back(
        "the file is cut short: its last progressive scans are missing (the thumbnail did not need them)");
}

std::uint8_t scale(int value, int factor) { return static_cast<std::uint8_t>((value * factor + 127) / 255); }

bool fits(int side, int min_side) { return min_side <= 0 || side >= min_side; }

// CMYK comes back as libjpeg gives it (see cmyk_to_bgr) unless `convert_cmyk`.
cv::Mat decode_with_libjpeg(Bytes data, Dimensions min_size, std::uint64_t max_pixels, bool convert_cmyk,
                            int* eighths_used);

}  // namespace

void note_missing_end_marker() {
  t_notes.emplace_back("the file ends without its JPEG end-of-image marker (its data is whole)");
}

std::vector<std::string> take_jpeg_notes() { return std::exchange(t_notes, {}); }

cv::Mat cmyk_to_bgr(const cv::Mat& cmyk, bool inverted) {
  const bool alpha = cmyk.channels() == 5;
  cv::Mat bgr(cmyk.size(), alpha ? CV_8UC4 : CV_8UC3);
  const int flip = inverted ? 0 : 255;
  const int in_step = cmyk.channels(), out_step = bgr.channels();
  for (int y = 0; y < cmyk.rows; ++y) {
    const std::uint8_t* in = cmyk.ptr<std::uint8_t>(y);
    std::uint8_t* out = bgr.ptr<std::uint8_t>(y);
    for (int x = 0; x < cmyk.cols; ++x, in += in_step, out += out_step) {
      const int white = std::abs(flip - in[3]);  // 255 - black ink
      out[0] = scale(std::abs(flip - in[2]), white);
      out[1] = scale(std::abs(flip - in[1]), white);
      out[2] = scale(std::abs(flip - in[0]), white);
      if (alpha) out[3] = in[4];
    }
  }
  return bgr;
}

int jpeg_scale_denom(Dimensions stored, Dimensions min_size) {
  if (min_size.width <= 0 && min_size.height <= 0) return 1;
  for (int denom : {8, 4, 2}) {
    if (fits((stored.width + denom - 1) / denom, min_size.width) &&
        fits((stored.height + denom - 1) / denom, min_size.height))
      return denom;
  }
  return 1;
}

Dimensions jpeg_held_size(const JpegInfo& info, Dimensions min_size) {
  if (info.progressive) return info.size;
  const int denom = jpeg_scale_denom(info.size, min_size);
  return {(info.size.width + denom - 1) / denom, (info.size.height + denom - 1) / denom};
}

int jpeg_scale_eighths(Dimensions stored, Dimensions min_size, bool progressive) {
  if (!progressive) return 8 / jpeg_scale_denom(stored, min_size);
  if (min_size.width <= 0 && min_size.height <= 0) return 8;
  for (int m = 1; m < 8; ++m)
    if (fits(int((std::int64_t(stored.width) * m + 7) / 8), min_size.width) &&
        fits(int((std::int64_t(stored.height) * m + 7) / 8), min_size.height))
      return m;
  return 8;
}

JpegInfo read_jpeg_info(Bytes data) {
  Decompressor d;
  open(d, data);
  const jpeg_decompress_struct& c = d.cinfo;
  // Huffman coding spends at least 2 bits on every block of a sequential file (a DC code and an
  // end-of-block code), so data shorter than that is cut short, whatever the decoder would make
  // of it: refused here, before a decoder allocates rows for a picture a few hundred bytes declare.
  // (Arithmetic coding can spend less; progressive scans may be missing on purpose.)
  if (!c.progressive_mode && !c.arith_code) {
    std::uint64_t blocks = 0;
    for (int i = 0; i < c.num_components; ++i)
      blocks += std::uint64_t(c.comp_info[i].width_in_blocks) * c.comp_info[i].height_in_blocks;
    const std::uint64_t needed = (blocks * 2 + 7) / 8, left = c.src->bytes_in_buffer;
    if (left < needed)
      throw DecodeError("truncated JPEG (" + std::to_string(left) + " bytes of image data; its " +
                        std::to_string(c.image_width) + "x" + std::to_string(c.image_height) +
                        " pixels need at least " + std::to_string(needed) + " bytes)");
  }
  return {stored_size(c), c.num_components, c.progressive_mode != FALSE};
}

cv::Mat decode_jpeg(Bytes data, Dimensions min_size) { return decode_jpeg(data, min_size, 0); }

cv::Mat decode_jpeg(Bytes data, Dimensions min_size, std::uint64_t max_pixels, int* eighths) {
  if (std::optional<cv::Mat> eighth = decode_baseline_eighth(data, min_size, max_pixels)) {
    if (eighths != nullptr) *eighths = 1;
    return *eighth;
  }
  if (std::optional<cv::Mat> quarter = decode_baseline_quarter(data, min_size, max_pixels)) {
    if (eighths != nullptr) *eighths = 2;
    return *quarter;
  }
  return decode_with_libjpeg(data, min_size, max_pixels, true, eighths);
}

cv::Mat decode_jpeg_libjpeg(Bytes data, Dimensions min_size, std::uint64_t max_pixels) {
  return decode_with_libjpeg(data, min_size, max_pixels, true, nullptr);
}

cv::Mat decode_jpeg_cmyk(Bytes data, Dimensions min_size, std::uint64_t max_pixels, int* eighths) {
  return decode_with_libjpeg(data, min_size, max_pixels, false, eighths);
}

namespace {

cv::Mat decode_with_libjpeg(Bytes data, Dimensions min_size, std::uint64_t max_pixels, bool convert_cmyk,
                            int* eighths_used) {
  Decompressor d;
  open(d, data);
  jpeg_decompress_struct& c = d.cinfo;
  check_pixel_limit(jpeg_held_size({stored_size(c), 0, c.progressive_mode != FALSE}, min_size), max_pixels);

  const OutputPlan plan = plan_output(c);
  c.out_color_space = plan.space;
  // M/8 as 1/(8/M) where that is whole: the same scaled IDCTs, named as before.
  const int eighths = jpeg_scale_eighths(stored_size(c), min_size, c.progressive_mode != FALSE);
  if (eighths_used != nullptr) *eighths_used = eighths;
  c.scale_num = 8 % eighths == 0 ? 1 : static_cast<unsigned>(eighths);
  c.scale_denom = 8 % eighths == 0 ? static_cast<unsigned>(8 / eighths) : 8;
  guarded(d, [&] { jpeg_calc_output_dimensions(&c); });

  cv::Mat out(static_cast<int>(c.output_height), static_cast<int>(c.output_width), plan.cv_type);
  if (c.progressive_mode && eighths < 8)
    decode_partial(d, out);
  else
    decode_all(d, out);
  if (d.ended_early) note_missing_end_marker();
  if (!plan.cmyk) return out;
  const bool inverted = c.saw_Adobe_marker != FALSE;
  if (convert_cmyk) return cmyk_to_bgr(out, inverted);
  if (inverted) cv::bitwise_not(out, out);
  return out;
}

}  // namespace

}  // namespace thumbflow::detail
