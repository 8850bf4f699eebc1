#include "image/exif.hpp"

#include <gtest/gtest.h>
#include <webp/encode.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <random>
#include <vector>

#include "image/webp_decoder.hpp"
#include "test_support.hpp"

namespace thumbflow::detail {
namespace {

using Buffer = std::vector<std::uint8_t>;

constexpr std::uint16_t kShort = 3, kLong = 4, kAscii = 2;
constexpr std::uint16_t kOrientation = 0x0112, kExifIfdPointer = 0x8769;

// Writes TIFF structures in either byte order.
struct TiffWriter {
  bool big_endian;
  Buffer out;

  void u16(std::uint32_t v) {
    const std::uint8_t hi = static_cast<std::uint8_t>(v >> 8), lo = static_cast<std::uint8_t>(v);
    out.insert(out.end(), big_endian ? std::initializer_list<std::uint8_t>{hi, lo}
                                     : std::initializer_list<std::uint8_t>{lo, hi});
  }
  void u32(std::uint32_t v) {
    if (big_endian)
      u16(v >> 16), u16(v & 0xFFFF);
    else
      u16(v & 0xFFFF), u16(v >> 16);
  }
  void header(std::uint32_t ifd0_offset = 8) {
    out.insert(out.end(), big_endian ? std::initializer_list<std::uint8_t>{'M', 'M'}
                                     : std::initializer_list<std::uint8_t>{'I', 'I'});
    u16(42);
    u32(ifd0_offset);
  }
  // An IFD entry whose value fits in the 4-byte field (a SHORT is left-justified in it).
  void entry(std::uint16_t tag, std::uint16_t type, std::uint32_t count, std::uint32_t value) {
    u16(tag), u16(type), u32(count);
    if (type == kShort)
      u16(value), u16(0);
    else
      u32(value);
  }
};

// A TIFF header and an IFD0 holding only the orientation tag.
Buffer tiff_orientation(bool big_endian, std::uint32_t value, std::uint16_t type = kShort) {
  TiffWriter w{big_endian, {}};
  w.header();
  w.u16(1);
  w.entry(kOrientation, type, 1, value);
  w.u32(0);  // no IFD1
  return w.out;
}

Buffer plain_jpeg() {
  Buffer out;
  cv::imencode(".jpg", cv::Mat(16, 16, CV_8UC3, cv::Scalar(10, 20, 30)), out);
  return out;
}

Buffer app1(const Buffer& payload) {
  Buffer out{0xFF, 0xE1, static_cast<std::uint8_t>((payload.size() + 2) >> 8),
             static_cast<std::uint8_t>(payload.size() + 2)};
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Buffer with_exif_header(const Buffer& tiff) {
  Buffer out{'E', 'x', 'i', 'f', 0, 0};
  out.insert(out.end(), tiff.begin(), tiff.end());
  return out;
}

// A real JPEG with the given segments inserted right after SOI.
Buffer jpeg_with_segments(const std::vector<Buffer>& segments) {
  Buffer jpeg = plain_jpeg();
  auto at = jpeg.begin() + 2;
  for (const Buffer& s : segments) at = jpeg.insert(at, s.begin(), s.end()) + static_cast<long>(s.size());
  return jpeg;
}

Buffer jpeg_with_tiff(const Buffer& tiff) { return jpeg_with_segments({app1(with_exif_header(tiff))}); }

int jpeg_orientation(const Buffer& tiff) {
  return read_exif_orientation(jpeg_with_tiff(tiff), ImageFormat::Jpeg);
}

void put_le32(Buffer& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

Buffer exif_riff_chunk(const char* fourcc, const Buffer& payload) {
  Buffer out(fourcc, fourcc + 4);
  put_le32(out, static_cast<std::uint32_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
  if (payload.size() % 2 != 0) out.push_back(0);
  return out;
}

// VP8X container: the lossy image, then an EXIF chunk (where libwebp's muxer puts it).
Buffer webp_with_exif(const Buffer& exif) {
  const cv::Mat img(24, 32, CV_8UC3, cv::Scalar(200, 100, 50));
  std::uint8_t* encoded = nullptr;
  const std::size_t size =
      WebPEncodeBGR(img.data, img.cols, img.rows, static_cast<int>(img.step), 80, &encoded);
  const Buffer vp8(encoded + 12, encoded + size);
  WebPFree(encoded);
  const Buffer vp8x{0x08, 0, 0, 0, 31, 0, 0, 23, 0, 0};  // EXIF flag, 32x24 canvas
  Buffer body{'W', 'E', 'B', 'P'};
  for (const Buffer& c : {exif_riff_chunk("VP8X", vp8x), vp8, exif_riff_chunk("EXIF", exif)})
    body.insert(body.end(), c.begin(), c.end());
  Buffer out{'R', 'I', 'F', 'F'};
  put_le32(out, static_cast<std::uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

std::uint32_t crc32(const std::uint8_t* data, std::size_t size) {
  std::uint32_t crc = 0xFFFFFFFF;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

Buffer exif_png_chunk(const char* type, const Buffer& payload) {
  Buffer out;
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(payload.size() >> (8 * i)));
  out.insert(out.end(), type, type + 4);
  out.insert(out.end(), payload.begin(), payload.end());
  const std::uint32_t crc = crc32(out.data() + 4, out.size() - 4);
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
  return out;
}

// A PNG with an eXIf chunk either right after IHDR or right before IEND.
Buffer png_with_exif(const Buffer& tiff, bool before_idat) {
  Buffer png;
  cv::imencode(".png", cv::Mat(8, 8, CV_8UC3, cv::Scalar::all(90)), png);
  const Buffer c = exif_png_chunk("eXIf", tiff);
  const auto at = before_idat ? png.begin() + 33 : png.end() - 12;  // after signature + IHDR; IEND
  png.insert(at, c.begin(), c.end());
  return png;
}

Buffer exif_read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(Exif, ReadsAllOrientationsInBothByteOrders) {
  for (bool big_endian : {false, true})
    for (std::uint32_t v = 1; v <= 8; ++v)
      EXPECT_EQ(jpeg_orientation(tiff_orientation(big_endian, v)), static_cast<int>(v)) << big_endian;
}

TEST(Exif, OutOfRangeOrWrongTypeIsOne) {
  for (std::uint32_t v : {0u, 9u, 0xFFFFu}) EXPECT_EQ(jpeg_orientation(tiff_orientation(true, v)), 1) << v;
  EXPECT_EQ(jpeg_orientation(tiff_orientation(false, 6, kLong)), 6);  // off-spec but unambiguous
  EXPECT_EQ(jpeg_orientation(tiff_orientation(false, 6, kAscii)), 1);
}

TEST(Exif, FindsExifAmongOtherSegmentsAndNoneIsOne) {
  const Buffer xmp = app1(
      {'h', 't', 't', 'p', ':', '/', '/', 'n', 's', '.', 'a', 'd', 'o', 'b', 'e', '.', 'c', 'o', 'm', 0});
  const Buffer app0{0xFF, 0xE0, 0x00, 0x04, 'x', 'y'};
  EXPECT_EQ(read_exif_orientation(
                jpeg_with_segments({app0, xmp, app1(with_exif_header(tiff_orientation(true, 8)))}),
                ImageFormat::Jpeg),
            8);
  EXPECT_EQ(read_exif_orientation(plain_jpeg(), ImageFormat::Jpeg), 1);
  // EXIF after the image data (after SOS) does not count.
  Buffer late = plain_jpeg();
  const Buffer exif = app1(with_exif_header(tiff_orientation(true, 3)));
  late.insert(late.end() - 2, exif.begin(), exif.end());
  EXPECT_EQ(read_exif_orientation(late, ImageFormat::Jpeg), 1);
  EXPECT_EQ(read_exif_orientation(jpeg_with_tiff(tiff_orientation(true, 3)), ImageFormat::Tiff), 1);
}

TEST(Exif, CorruptStructuresGiveOneOrTheValueWithoutHanging) {
  TiffWriter past_end{false, {}};
  past_end.header(0x7FFFFFF0);
  EXPECT_EQ(jpeg_orientation(past_end.out), 1);

  TiffWriter huge_count{true, {}};
  huge_count.header();
  huge_count.u16(0xFFFF);
  huge_count.entry(kOrientation, kShort, 1, 5);
  EXPECT_EQ(jpeg_orientation(huge_count.out), 5);  // the entries that are there still count

  TiffWriter data_past_end{false, {}};
  data_past_end.header();
  data_past_end.u16(1);
  data_past_end.entry(kOrientation, kShort, 0x40000000, 0xFFFFFF00);  // 2 GiB of values, far away
  EXPECT_EQ(jpeg_orientation(data_past_end.out), 1);

  for (bool next_ifd_loop : {false, true}) {
    TiffWriter loop{true, {}};
    loop.header();
    loop.u16(2);
    loop.entry(kOrientation, kShort, 1, 3);
    loop.entry(kExifIfdPointer, kLong, 1, 8);  // the EXIF sub-IFD is IFD0 itself
    loop.u32(next_ifd_loop ? 8 : 0);           // IFD1 is IFD0 itself
    EXPECT_EQ(jpeg_orientation(loop.out), 3);
  }
}

TEST(Exif, TruncationAtEveryLengthIsHarmless) {
  const Buffer jpeg = jpeg_with_tiff(tiff_orientation(false, 7));
  const std::size_t exif_end = 2 + 4 + 6 + tiff_orientation(false, 7).size();
  for (std::size_t n = 0; n <= jpeg.size(); ++n) {
    const int value = read_exif_orientation(Bytes(jpeg.data(), n), ImageFormat::Jpeg);
    EXPECT_EQ(value, n < exif_end ? 1 : 7) << n;
  }
}

TEST(Exif, RandomAndMutatedInputNeverCrashes) {
  std::mt19937 rng(12345);
  const std::vector<Buffer> seeds{jpeg_with_tiff(tiff_orientation(true, 6)),
                                  webp_with_exif(tiff_orientation(false, 6)),
                                  png_with_exif(tiff_orientation(true, 6), true)};
  const ImageFormat formats[] = {ImageFormat::Jpeg, ImageFormat::Webp, ImageFormat::Png};
  for (int i = 0; i < 3000; ++i) {
    const std::size_t pick = static_cast<std::size_t>(i) % 3;
    Buffer data = seeds[pick];
    if (i % 2 == 0) {
      data.resize(rng() % 3000);
      for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    } else {
      for (std::uint32_t flips = 1 + rng() % 8; flips > 0; --flips)
        data[rng() % data.size()] = static_cast<std::uint8_t>(rng());
    }
    const int value = read_exif_orientation(data, formats[pick]);
    ASSERT_GE(value, 1);
    ASSERT_LE(value, 8);
  }
}

TEST(Exif, WebpExifChunkWithOrWithoutHeader) {
  const Buffer tiff = tiff_orientation(true, 5);
  const Buffer plain = webp_with_exif(tiff), prefixed = webp_with_exif(with_exif_header(tiff));
  EXPECT_EQ(read_exif_orientation(plain, ImageFormat::Webp), 5);
  EXPECT_EQ(read_exif_orientation(prefixed, ImageFormat::Webp), 5);
  EXPECT_EQ(decode_webp(plain, {0, 0}).size(), cv::Size(32, 24));  // still a valid WebP
  Buffer lying = plain;
  lying[4] = 0xFF, lying[5] = 0xFF, lying[6] = 0xFF, lying[7] = 0x7F;  // RIFF size past the end
  EXPECT_EQ(read_exif_orientation(lying, ImageFormat::Webp), 5);
}

TEST(Exif, PngExifChunkBeforeImageData) {
  const Buffer tiff = tiff_orientation(false, 2);
  const Buffer png = png_with_exif(tiff, true);
  EXPECT_EQ(read_exif_orientation(png, ImageFormat::Png), 2);
  EXPECT_FALSE(cv::imdecode(png, cv::IMREAD_COLOR).empty());  // still a valid PNG
  EXPECT_EQ(read_exif_orientation(png_with_exif(tiff, false), ImageFormat::Png), 1);
}

// An eXIf chunk whose CRC does not hold is not read: its orientation might be any damaged value.
TEST(Exif, PngExifChunkWithABadCrcIsNotRead) {
  Buffer png = png_with_exif(tiff_orientation(false, 6), true);
  ASSERT_EQ(read_exif_orientation(png, ImageFormat::Png), 6);
  const std::size_t crc_at = 33 + 8 + tiff_orientation(false, 6).size();  // IHDR, eXIf's header, data
  png[crc_at] ^= 0x80;
  EXPECT_EQ(read_exif_orientation(png, ImageFormat::Png), 1);
}

// DCF: a camera set to Adobe RGB writes no profile, only ColorSpace "uncalibrated" and the
// interoperability index R03; sRGB files say 1 and R98. Some cameras write ColorSpace 2.
TEST(Exif, CameraAdobeRgbStatementIsRead) {
  const Buffer jpeg = plain_jpeg();
  const auto adobe = [&](int space, const std::string& index) {
    return read_exif(test::with_exif(jpeg, test::exif_colour_space(space, index)), ImageFormat::Jpeg)
        .adobe_rgb;
  };
  EXPECT_TRUE(adobe(0xFFFF, "R03"));
  EXPECT_TRUE(adobe(2, ""));
  EXPECT_FALSE(adobe(1, "R98"));
  EXPECT_FALSE(adobe(0xFFFF, "R98"));
  EXPECT_FALSE(adobe(0xFFFF, ""));  // uncalibrated, nothing more said: unknown, shown as sRGB
  EXPECT_FALSE(adobe(1, "R03"));    // the colour space tag wins
  EXPECT_FALSE(read_exif(jpeg, ImageFormat::Jpeg).adobe_rgb);
  EXPECT_EQ(
      read_exif(test::with_exif(jpeg, test::exif_colour_space(0xFFFF, "R03")), ImageFormat::Jpeg).orientation,
      1);
}

TEST(Exif, SampleFiles) {
  const std::filesystem::path dir = THUMBFLOW_DATA_DIR;
  if (!std::filesystem::exists(dir / "butterfly_orientation6.jpg")) GTEST_SKIP() << "sample files missing";
  EXPECT_EQ(read_exif_orientation(exif_read_file(dir / "butterfly_orientation6.jpg"), ImageFormat::Jpeg), 6);
  for (const char* name :
       {"leuvenA.jpg", "aloeL.jpg", "aloeL_progressive.jpg", "squirrel_cls.jpg", "starry_night.jpg"}) {
    if (std::filesystem::exists(dir / name)) {
      EXPECT_EQ(read_exif_orientation(exif_read_file(dir / name), ImageFormat::Jpeg), 1) << name;
    }
  }
}

}  // namespace
}  // namespace thumbflow::detail
