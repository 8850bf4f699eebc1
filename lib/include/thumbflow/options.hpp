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
#include <vector>

#include "thumbflow/crop.hpp"
#include "thumbflow/geometry.hpp"

namespace thumbflow {

// Output encoding. `Same` keeps the input's format when it can be written (JPEG, PNG, WebP);
// HEIF/HEIC, AVIF and JPEG XL inputs are written as JPEG, other inputs (GIF, BMP, TIFF) as PNG.
enum class OutputFormat { Same, Jpeg, Png, Webp };

// How much of the input to decode. `Fast` decodes only what the box needs (JPEG DCT scaling,
// WebP scaled decode); `Full` always decodes every pixel first (reference and fallback).
enum class DecodeMode { Fast, Full };

// What happens to a picture's colour profile (ICC, PNG gAMA/cHRM, HEIF/AVIF/JXL code points).
// `Srgb` converts the pixels to sRGB (LittleCMS 2, relative colorimetric with black-point
// compensation) and the thumbnail carries no profile; `Keep` leaves the pixels as they are and
// embeds the source profile in the thumbnail (JPEG APP2, PNG iCCP, WebP ICCP). CMYK pictures are
// converted to sRGB either way.
enum class ColourMode { Srgb, Keep };

// When written files are flushed to the disk (BatchOptions::fsync).
enum class Fsync { Batch, Each, Off };

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
  // Several sizes from one decode: every box to make, in the order given (parse_size_list reads
  // "128,512,1024"). Default empty: the one box box_width x box_height. When set, box_width and
  // box_height are not used; each box has their limits, no box comes twice, at most kMaxSizes
  // boxes, and the name template must tell the sizes apart ({size}, or {w} and {h}). Each item is
  // decoded once, at the scale its largest thumbnail needs; each smaller size is made from the
  // nearest larger one while that holds at least twice its pixels on each side (the area filter
  // then still averages), else from the decoded pixels.
  std::vector<Dimensions> sizes;
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
  // Animated GIF and WebP inputs whose output is WebP (--format same or webp) become animated
  // WebP thumbnails of every frame, delays kept; with `--format same` a GIF's output name ends in
  // .webp. Default false: the first frame, written as a still.
  bool animated = false;
  // With `animated`: an animation whose frame count x canvas pixels exceeds this is refused before
  // any frame is decoded (frames are held as full BGRA canvases until resized: 4 bytes a pixel).
  // Default 250'000'000 (1 GB of canvases). 0 means no limit.
  std::uint64_t max_frame_pixels = 250'000'000;
  // Colour management (see ColourMode). Default Srgb.
  ColourMode colour = ColourMode::Srgb;
  // How the thumbnail fills the box (see CropMode). Default None: fit inside. Any other mode
  // needs a box bounded on both sides and makes the thumbnail exactly the box; without
  // allow_enlarge a picture smaller than the box on a side gives the largest window of the box's
  // shape that the picture holds, at its own scale (never enlarged).
  CropMode crop = CropMode::None;
  // Focal point for a crop mode (see Gravity): the window is centred on it as far as the picture
  // allows, whatever the mode. Default unset. Needs a crop mode.
  Gravity gravity{};
};

// The boxes `options` asks for: options.sizes, or the one box box_width x box_height. Pure.
std::vector<Dimensions> boxes_of(const ThumbnailOptions& options);

// `options` for the one box `box` (sizes cleared): what each size of a list is made with. Pure.
ThumbnailOptions with_box(const ThumbnailOptions& options, Dimensions box);

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
  // stall. Default 30 s.
  int stall_timeout_s = 30;
  // The whole download of one image, its tries, redirects and waits between them included, ends
  // within this; then the item fails "timed out after N s" (a server trickling just over 1 KB/s
  // passes the stall check forever). Default 300 s. 0 (or less) = no limit, for big files on
  // slow links.
  int timeout_s = 300;
  // Bodies larger than this are aborted; the item fails. Default 50 MB.
  std::uint64_t max_bytes = 50'000'000;
  // When set, each downloaded original is also saved there (atomically) under its safe name
  // (Item::relative_path). Default "" = downloads are kept in memory only.
  std::string keep_originals_dir;
  // Connections to internal addresses (loopback, private, link-local, CGNAT, unspecified,
  // multicast, broadcast; IPv4 and IPv6) are refused unless this is true. Checked on the address
  // actually connected, so redirects and DNS answers are covered. Default false: the gallery's
  // links and worker URL jobs come from others; `fetch` sets it (the list is the user's own).
  bool allow_private_addresses = false;
  // Base URLs whose host and port stay allowed when allow_private_addresses is false: the gallery
  // API the user named (its images are often served by the same host). Default none.
  std::vector<std::string> trusted_origins;
  // The User-Agent of every request. Default "" = "thumbflow/<version>". Checked by
  // check_user_agent.
  std::string user_agent;
  // Extra request headers, "Name: value" each, checked by check_request_header. Sent with every
  // request to the scheme, host and port of the item's URL; never after a redirect to another one
  // (thumbflow follows redirects itself for that: libcurl would pass them on). Default none.
  std::vector<std::string> headers;
};

// Throws std::invalid_argument with a one-line reason unless `header` is "Name: value": Name an
// HTTP token (RFC 9110: letters, digits and !#$%&'*+-.^_`|~), a non-empty value without control
// characters (CR, LF, NUL, ...; tab allowed), and not a header that frames the message
// (Content-Length, Transfer-Encoding). Spaces around the value are allowed. Pure, thread-safe.
void check_request_header(const std::string& header);

// Throws std::invalid_argument unless `user_agent` is "" (the default) or a User-Agent value
// without control characters. Pure, thread-safe.
void check_user_agent(const std::string& user_agent);

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
  // How written thumbnails (and kept originals) are made durable:
  // - Batch (default): written without waiting for the disk; once the batch has run, the output
  //   file system is flushed once (syncfs). OUTPUT/.thumbflow.unsynced marks a batch from its start
  //   until that flush: if the machine stops first, the next run into OUTPUT redoes every thumbnail
  //   written since the mark, so nothing half-written is ever taken as up to date.
  // - Each: every thumbnail is fsync'ed before its rename and its folder after, so a thumbnail is
  //   durable when it is reported done (what a queue worker needs before it acknowledges a job).
  // - Off: no flush at all (a power cut may lose the last thumbnails, and nothing tells).
  Fsync fsync = Fsync::Batch;
  // Used for items whose input is an http(s) URL. Default: see DownloadOptions.
  DownloadOptions download{};
  // When set and true, no new items are started; items in flight finish, the rest are reported
  // as cancelled. Default nullptr = never cancelled. Not owned: it must outlive the run_batch call.
  // May be set from any thread or from a signal handler (it is only loaded, never stored).
  const std::atomic<bool>* cancel = nullptr;
};

}  // namespace thumbflow
