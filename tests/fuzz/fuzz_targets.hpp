// The bodies of the libFuzzer targets, shared by the fuzzers (fuzz_main.cpp) and by the unit test
// that replays tests/fuzz/regressions/<target>/* on every CI run. A body returns normally for any
// input the code under test handles as its contract says (an exception of the documented kind is
// handled); anything else (a crash, a sanitizer report, a broken invariant) aborts the process
// with a message on stderr, which libFuzzer records as a crash and keeps the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace thumbflow::fuzz {

using Body = void (*)(const std::uint8_t* data, std::size_t size);

// Image bytes -> thumbnail bytes: sniffing, header reading, pixel limit, integrity check, EXIF
// orientation of JPEG/PNG/WebP, every decoder (JPEG scaled and DC-only, WebP scaled, OpenCV for
// PNG/BMP/TIFF/PNM), resize and encode. The box (8..64) follows the input's size, so small boxes
// reach the 1/8 and DC-only JPEG paths and larger ones the full decodes.
// HEIF/AVIF (libheif) and JPEG XL (libjxl) go the same way (codec table, image/codecs.cpp).
void thumbnail(const std::uint8_t* data, std::size_t size);

// A gallery page and an album body through parse_gallery_page / parse_album_images: only
// GalleryError may come out, and every parsed image has a safe id and an http(s) link.
void gallery_json(const std::uint8_t* data, std::size_t size);

// URL text through safe_name_from_url (one line) and parse_url_list (the whole text): names are
// safe (no '/', no leading dot, only [A-Za-z0-9._-], at most 100 bytes) and distinct.
void url_names(const std::uint8_t* data, std::size_t size);

// A queue entry (fields separated by NUL bytes: name, value, name, value, ...) through decode_job:
// only std::invalid_argument may come out, its reason one printable line; an accepted job writes
// only safe relative paths and survives encode_job / decode_job unchanged.
void queue_job(const std::uint8_t* data, std::size_t size);

// The body named `name` ("thumbnail", "gallery_json", "url_names", "queue_job"), or nullptr.
Body body_named(std::string_view name);

}  // namespace thumbflow::fuzz
