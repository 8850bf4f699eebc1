// Options for making thumbnails and for running a batch. Every field states its default and limits.
//
// The structs are plain values with usable defaults: copy them, change what you need, pass them to
// run_batch. Nothing here checks the limits on assignment; run_batch checks them all before it
// starts and throws std::invalid_argument with a one-line reason when one is out of range (nothing
// is written then). run_batch reads the options for as long as it runs: do not modify them from
// another thread meanwhile (`cancel` is the one field meant for that).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace thumbflow {

// Output encoding. `Same` keeps the input's format when it can be written (JPEG, PNG, WebP);
// other inputs (BMP, TIFF) are written as PNG.
enum class OutputFormat { Same, Jpeg, Png, Webp };

// How much of the input to decode. `Fast` decodes only what the box needs (JPEG DCT scaling,
// WebP scaled decode); `Full` always decodes every pixel first (reference and fallback).
enum class DecodeMode { Fast, Full };

// An 8-bit sRGB colour. Default white.
struct Rgb {
  std::uint8_t r = 255, g = 255, b = 255;
};

// Parses "white", "black" (exactly, lower case), "#RRGGBB" (hex digits in either case) or "R,G,B"
// (decimal, 0..255 each). Throws std::invalid_argument naming the text on anything else. Pure,
// safe to call from any thread.
Rgb parse_rgb(const std::string& text);

// What each thumbnail looks like.
struct ThumbnailOptions {
  // Bounding box in pixels. Default 128x128. Each side 0..65535, where 0 leaves that side unbounded
  // ("200x" = 200 wide, any height); at least one side must be set. The thumbnail fits inside the
  // box and keeps the input's aspect ratio (each side at least 1 pixel). parse_box (geometry.hpp)
  // turns "WxH" text into these two.
  int box_width = 128;
  int box_height = 128;
  // Allow thumbnails larger than the input. Default false: small inputs keep their size.
  bool allow_enlarge = false;
  // Output encoding. Default Same.
  OutputFormat format = OutputFormat::Same;
  // JPEG and WebP quality, 1..100. Default 85. PNG is always lossless.
  int quality = 85;
  // Colour that transparent pixels are composited onto when the output has no alpha (JPEG).
  // Default white.
  Rgb background{};
  // Inputs whose header declares more pixels (width*height) are refused before decoding: that item
  // fails (ItemStatus::Failed, the error says the size), the batch goes on. Default 100'000'000
  // (100 MP). 0 means no limit beyond OpenCV's own.
  std::uint64_t max_pixels = 100'000'000;
  // How much to decode (see DecodeMode). Default Fast; both give thumbnails of the same size.
  DecodeMode decode = DecodeMode::Fast;
};

// How remote images (http/https URLs) are downloaded. Only used when a batch has URL items.
// Limits checked by run_batch: connections 1..1024, per_host >= 0, retries 0..20, backoff_ms >= 0,
// retry_after_max_s >= 0, connect_timeout_s >= 1, stall_timeout_s >= 1, max_bytes >= 1.
struct DownloadOptions {
  // Transfers at once (and connections at most). Default 16. 1..1024. Serial runs use 1.
  int connections = 16;
  // Connections to one host at once. Default 0 = no cap beyond `connections` (as curl --parallel).
  int per_host = 0;
  // Tries after the first for timeouts, resets and HTTP 408/429/500/502/503/504. Default 3. 0..20.
  int retries = 3;
  // Backoff before the first retry, doubled each time (with jitter), capped at 30 s. Default 500 ms.
  int backoff_ms = 500;
  // Longest Retry-After honoured; a longer one is cut to this. Default 60 s.
  int retry_after_max_s = 60;
  // Time allowed to connect. Default 10 s.
  int connect_timeout_s = 10;
  // A transfer slower than 1 KB/s for this long is aborted (and retried): catches servers that
  // stall, without a total time limit that would kill big files on slow links. Default 30 s.
  int stall_timeout_s = 30;
  // Bodies larger than this are aborted; the item fails. Default 50 MB.
  std::uint64_t max_bytes = 50'000'000;
  // When set, each downloaded original is also saved there (atomically) under its safe name
  // (Item::relative_path). Default "" = downloads are kept in memory only.
  std::string keep_originals_dir;
};

// Everything run_batch needs besides the items.
struct BatchOptions {
  // What each thumbnail looks like. Default: see ThumbnailOptions.
  ThumbnailOptions thumbnail{};
  // Output folder. Required ("" is std::invalid_argument). Created if missing (std::runtime_error
  // when it cannot be created or is not writable). Thumbnails mirror the input tree under it.
  std::string output_dir;
  // Output file name template. Placeholders: {stem} input name without extension, {ext} output
  // extension, {srcext} input extension, {w}x{h} box size. Default "{stem}_thumbnail.{ext}".
  // Must not contain '/' (names only; the input tree decides the folders) and must hold {stem};
  // checked with validate_name_template (naming.hpp).
  std::string name_template = "{stem}_thumbnail.{ext}";
  // Worker threads for the parallel pipeline. Default 0 = all cores. 0..1024. Ignored when serial.
  int threads = 0;
  // Run the stages one image at a time in a plain loop on the calling thread (the baseline), with
  // one download at a time. Default false.
  bool serial = false;
  // Images allowed in flight at once (downloading, read, decoded or being encoded). Bounds peak
  // memory. Default 0 = 2 x threads, plus download.connections when the batch has URLs.
  // 0..4096.
  int max_in_flight = 0;
  // Skip inputs whose thumbnail exists and is not older than the input. Default true. The
  // settings of each run are kept in OUTPUT/.thumbflow.settings.json; when they differ from the
  // previous run's, nothing is skipped (thumbnails made with another size are not kept).
  bool skip_existing = true;
  // Used for items whose input is an http(s) URL. Default: see DownloadOptions.
  DownloadOptions download{};
  // When set and true, no new items are started; items in flight finish, the rest are reported
  // as cancelled. Default nullptr = never cancelled. Not owned: it must outlive the run_batch call.
  // May be set from any thread or from a signal handler (it is only loaded, never stored).
  const std::atomic<bool>* cancel = nullptr;
};

}  // namespace thumbflow
