#include "colour/icc_extract.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include "colour/profile_build.hpp"
#include "image/byte_order.hpp"
#include "image/exif.hpp"
#include "image/integrity.hpp"
#include "image/tiff_ifd.hpp"

namespace thumbflow::detail {
namespace {

const char* const kIgnored = "; ignored, colours treated as sRGB";

bool starts_with(Bytes d, std::size_t at, const char* text) {
  const std::size_t n = std::strlen(text);
  return at + n <= d.size() && std::memcmp(d.data() + at, text, n) == 0;
}

ExtractedProfile warn(std::string reason) {
  ExtractedProfile p;
  p.warnings.push_back(std::move(reason) + kIgnored);
  return p;
}

ExtractedProfile found(Bytes icc) {
  if (icc.size() > kMaxIccBytes) return warn("embedded ICC profile over 8 MB");
  ExtractedProfile p;
  p.icc.assign(icc.begin(), icc.end());
  return p;
}

// JPEG: APP2 segments "ICC_PROFILE\0" + sequence number (1-based) + count + a piece of the profile.
ExtractedProfile from_jpeg(Bytes d) {
  constexpr std::size_t kTag = 12;  // "ICC_PROFILE\0"
  std::array<Bytes, 256> pieces{};
  std::size_t count = 0;
  bool malformed = false;
  std::size_t at = 2;  // after SOI
  while (at + 4 <= d.size() && d[at] == 0xFF) {
    const std::uint8_t marker = d[at + 1];
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) break;  // start of scan, end of image: no more headers
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
      at += 2;
      continue;
    }
    const std::size_t length = be16(d, at + 2);
    if (length < 2 || at + 2 + length > d.size()) break;  // cut short: take what came before
    const Bytes body = d.subspan(at + 4, length - 2);
    if (marker == 0xE2 && body.size() >= kTag + 2 && starts_with(body, 0, "ICC_PROFILE")) {
      const std::size_t seq = body[kTag], total = body[kTag + 1];
      if (seq < 1 || seq > total || (count != 0 && total != count) || !pieces[seq].empty())
        malformed = true;
      else {
        count = total;
        pieces[seq] = body.subspan(kTag + 2);
      }
    }
    at += 2 + length;
  }
  if (malformed) return warn("malformed ICC profile segments (bad or repeated sequence numbers)");
  if (count == 0) return {};
  std::size_t size = 0;
  for (std::size_t i = 1; i <= count; ++i) {
    if (pieces[i].empty())
      return warn("ICC profile segments missing (" + std::to_string(count) + " announced)");
    size += pieces[i].size();
  }
  if (size > kMaxIccBytes) return warn("embedded ICC profile over 8 MB");
  ExtractedProfile p;
  p.icc.reserve(size);
  for (std::size_t i = 1; i <= count; ++i) p.icc.insert(p.icc.end(), pieces[i].begin(), pieces[i].end());
  return p;
}

// zlib data to bytes, refusing more than kMaxIccBytes.
std::optional<std::vector<std::uint8_t>> inflate_bounded(Bytes in) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return std::nullopt;
  std::vector<std::uint8_t> out;
  z.next_in = const_cast<Bytef*>(in.data());  // zlib's API is not const-correct; it only reads
  z.avail_in = static_cast<uInt>(in.size());
  int status = Z_OK;
  while (status == Z_OK) {
    if (out.size() >= kMaxIccBytes) break;
    const std::size_t have = out.size();
    out.resize(std::min(kMaxIccBytes + 1, have + 64 * 1024));
    z.next_out = out.data() + have;
    z.avail_out = static_cast<uInt>(out.size() - have);
    status = inflate(&z, Z_NO_FLUSH);
    out.resize(out.size() - z.avail_out);
    if (status == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  inflateEnd(&z);
  if (status != Z_STREAM_END || out.size() > kMaxIccBytes) return std::nullopt;
  return out;
}

// The profile inside an iCCP chunk's body (name, compression method, zlib data).
ExtractedProfile from_iccp(Bytes body) {
  const auto name_end = std::find(body.begin(), body.end(), std::uint8_t{0});
  const auto pos = std::size_t(name_end - body.begin());
  if (pos == 0 || pos > 79 || pos + 2 > body.size() || body[pos + 1] != 0)
    return warn("malformed PNG iCCP chunk");
  const auto icc = inflate_bounded(body.subspan(pos + 2));
  if (!icc) return warn("PNG iCCP chunk does not inflate (corrupt, or over 8 MB)");
  ExtractedProfile p;
  p.icc = std::move(*icc);
  return p;
}

ExtractedProfile from_png(Bytes d) {
  std::optional<std::uint32_t> gamma;
  std::optional<PngChromaticities> chrm;
  std::optional<Bytes> iccp;
  std::optional<Cicp> cicp;
  bool srgb = false;
  for (std::size_t at = 8; at + 12 <= d.size();) {
    const std::size_t length = be32(d, at);
    if (length > d.size() - at - 12) break;
    const Bytes body = d.subspan(at + 8, length);
    if (starts_with(d, at + 4, "IDAT") || starts_with(d, at + 4, "IEND")) break;
    if (!png_ancillary_usable(d, at, length)) {  // damaged: check_integrity warns of it
      at += 12 + length;
      continue;
    }
    if (starts_with(d, at + 4, "iCCP") && !iccp) iccp = body;
    if (starts_with(d, at + 4, "cICP") && length == 4) cicp = Cicp{body[0], body[1], body[2], body[3] != 0};
    if (starts_with(d, at + 4, "sRGB")) srgb = true;
    if (starts_with(d, at + 4, "gAMA") && length == 4) gamma = be32(body, 0);
    if (starts_with(d, at + 4, "cHRM") && length == 32) {
      PngChromaticities c;
      for (int i = 0; i < 8; ++i) c.xy[i] = be32(body, std::size_t(4 * i)) / 100000.0;
      chrm = c;
    }
    at += 12 + length;
  }
  // IHDR comes first; colour types 0 and 4 (gray, gray with alpha) need a gray profile.
  const bool grey = d.size() > 25 && starts_with(d, 12, "IHDR") && (d[25] & 3) == 0;
  // cICP (PNG's third edition: HDR and wide-gamut screenshots and exports) overrides every other
  // colour chunk. A grey picture's is not used: the profile it makes is an RGB one.
  if (cicp && !grey) {
    ExtractedProfile p;
    p.icc = profile_from_cicp(*cicp, p.warnings);
    return p;
  }
  if (iccp) return from_iccp(*iccp);
  if (srgb || (!gamma && !chrm)) return {};
  ExtractedProfile p;
  p.icc = profile_from_png_chunks(gamma, chrm, grey, p.warnings);
  return p;
}

ExtractedProfile from_webp(Bytes d) {
  for (std::size_t at = 12; at + 8 <= d.size();) {
    const std::size_t length = le32(d, at + 4);
    if (length > d.size() - at - 8) break;
    if (starts_with(d, at, "ICCP")) return found(d.subspan(at + 8, length));
    at += 8 + length + (length & 1);
  }
  return {};
}

ExtractedProfile from_tiff(Bytes d) {
  const std::optional<TiffDirectory> dir = read_first_tiff_directory(d);
  const TiffEntry* tag = dir ? dir->find(34675) : nullptr;
  if (tag == nullptr) return {};
  const std::optional<Bytes> icc = tag->value(d);
  if ((tag->type != 7 && tag->type != 1) || tag->count < 4 || !icc)
    return warn("malformed TIFF ICC profile tag");
  return found(*icc);
}

}  // namespace

ExtractedProfile embedded_profile(Bytes data, ImageFormat format) {
  switch (format) {
    case ImageFormat::Jpeg: {
      ExtractedProfile p = from_jpeg(data);
      // A camera JPEG in Adobe RGB carries no profile, only the EXIF statement (DCF); a damaged
      // profile container (a warning) still means "not sRGB as far as we know": sRGB, as before.
      if (p.icc.empty() && p.warnings.empty() && read_exif(data, format).adobe_rgb)
        p.icc = adobe_rgb_profile();
      return p;
    }
    case ImageFormat::Png:
      return from_png(data);
    case ImageFormat::Webp:
      return from_webp(data);
    case ImageFormat::Tiff:
      return from_tiff(data);
    default:
      return {};
  }
}

std::string icc_colour_space(Bytes icc) {
  if (icc.size() < 128) return {};
  return std::string(reinterpret_cast<const char*>(icc.data()) + 16, 4);
}

}  // namespace thumbflow::detail
