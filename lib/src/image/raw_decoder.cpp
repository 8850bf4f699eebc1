#include "image/raw_decoder.hpp"

#include <cmath>
#include <cstring>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <string>

#include "image/decode_error.hpp"
#include "image/raw_api.hpp"

namespace thumbflow::detail {
namespace {

struct Close {
  void operator()(libraw_data_t* raw) const { libraw().libraw_close(raw); }
};
using Raw = std::unique_ptr<libraw_data_t, Close>;

struct ClearImage {
  void operator()(libraw_processed_image_t* image) const { libraw().libraw_dcraw_clear_mem(image); }
};

bool tiff_based(Bytes data) {
  return data.size() >= 4 &&
         (std::memcmp(data.data(), "II*\0", 4) == 0 || std::memcmp(data.data(), "MM\0*", 4) == 0);
}

std::string reason(int error) { return libraw().libraw_strerror(error); }

// The file opened by LibRaw, or null when LibRaw does not take it (error set).
Raw open(Bytes data, int& error) {
  const RawApi& api = libraw();
  Raw raw(api.libraw_init(0));
  if (!raw) throw DecodeError("cannot decode camera RAW: out of memory");
  // LibRaw reads the buffer and never writes it.
  error = api.libraw_open_buffer(raw.get(), const_cast<std::uint8_t*>(data.data()), data.size());
  if (error != LIBRAW_SUCCESS) raw.reset();
  return raw;
}

// LibRaw's flip (0, 3, 5, 6) as an EXIF orientation.
int orientation_of(int flip) {
  switch (flip) {
    case 3:
      return 3;
    case 5:
      return 8;  // 90 degrees counter-clockwise
    case 6:
      return 6;
    default:
      return 1;
  }
}

Dimensions sensor_size(const libraw_data_t& raw) { return {int(raw.sizes.width), int(raw.sizes.height)}; }

// Whether a preview of `preview` pixels can stand for the picture: the same shape as the sensor's
// (within 3%), and at least the largest thumbnail asked for (the sensor's size when not known).
bool preview_will_do(Dimensions preview, Dimensions sensor, Dimensions largest_output) {
  if (preview.width <= 0 || preview.height <= 0 || sensor.width <= 0 || sensor.height <= 0) return false;
  const double a = double(preview.width) / preview.height, b = double(sensor.width) / sensor.height;
  if (std::abs(a - b) > 0.03 * b) return false;
  const Dimensions need = largest_output.width > 0 && largest_output.height > 0 ? largest_output : sensor;
  // A preview a few pixels short of the sensor (6000x4000 for 6048x4024) is the full picture.
  return preview.width >= std::min(need.width, sensor.width * 97 / 100) &&
         preview.height >= std::min(need.height, sensor.height * 97 / 100);
}

// The embedded preview, when it will do: a JPEG decoded (at the scale min_size allows) by the JPEG
// codec, or an 8-bit RGB bitmap.
bool from_preview(libraw_data_t& raw, const DecodeRequest& request, DecodedPixels& out) {
  if (libraw().libraw_unpack_thumb(&raw) != LIBRAW_SUCCESS) return false;
  const libraw_thumbnail_t& t = raw.thumbnail;
  if (t.thumb == nullptr || t.tlength == 0) return false;
  const Bytes bytes(reinterpret_cast<const std::uint8_t*>(t.thumb), t.tlength);
  if (t.tformat == LIBRAW_THUMBNAIL_JPEG) {
    const Codec* jpeg = find_codec(ImageFormat::Jpeg);
    if (sniff_format(bytes) != ImageFormat::Jpeg || jpeg == nullptr) return false;
    const Dimensions size = jpeg->header(bytes).size;
    if (!preview_will_do(size, sensor_size(raw), request.largest_output)) return false;
    DecodeRequest preview = request;
    preview.stored = size;
    preview.min_size = {std::min(size.width, request.min_size.width),
                        std::min(size.height, request.min_size.height)};
    out = jpeg->decode(bytes, preview);
    out.scale = 1;  // its DCT scale is the preview's, not the sensor's
    return true;
  }
  if (t.tformat == LIBRAW_THUMBNAIL_BITMAP && t.tcolors == 3 &&
      std::uint64_t(t.twidth) * t.theight * 3 <= t.tlength &&
      preview_will_do({t.twidth, t.theight}, sensor_size(raw), request.largest_output)) {
    const cv::Mat rgb(t.theight, t.twidth, CV_8UC3, t.thumb);
    cv::cvtColor(rgb, out.pixels, cv::COLOR_RGB2BGR);
    return true;
  }
  return false;
}

// The raw data developed by LibRaw: half size when that is still at least the thumbnail, 8-bit sRGB
// with the camera's white balance, not turned (orientation is applied after, as for every format).
cv::Mat developed(libraw_data_t& raw, const DecodeRequest& request) {
  const RawApi& api = libraw();
  const Dimensions sensor = sensor_size(raw);
  // Half size bins each 2x2 Bayer cell into one pixel (no interpolation): 4x less work, and still
  // at least the thumbnail.
  const Dimensions thumb = request.largest_output;
  raw.params.half_size = thumb.width > 0 && thumb.height > 0 && 2 * thumb.width <= sensor.width &&
                         2 * thumb.height <= sensor.height;
  raw.params.use_camera_wb = 1;
  raw.params.output_bps = 8;
  raw.params.output_color = 1;  // sRGB
  raw.params.user_flip = 0;
  int error = api.libraw_unpack(&raw);
  if (error == LIBRAW_SUCCESS) error = api.libraw_dcraw_process(&raw);
  if (error != LIBRAW_SUCCESS) throw DecodeError("cannot decode camera RAW: " + reason(error));
  const std::unique_ptr<libraw_processed_image_t, ClearImage> image(
      api.libraw_dcraw_make_mem_image(&raw, &error));
  if (!image || error != LIBRAW_SUCCESS) throw DecodeError("cannot decode camera RAW: " + reason(error));
  if (image->type != LIBRAW_IMAGE_BITMAP || image->bits != 8 || (image->colors != 3 && image->colors != 1) ||
      std::uint64_t(image->width) * image->height * image->colors > image->data_size)
    throw DecodeError("cannot decode camera RAW: unexpected developed image");
  const cv::Mat stored(image->height, image->width, image->colors == 3 ? CV_8UC3 : CV_8UC1, image->data);
  cv::Mat out;
  if (image->colors == 3)
    cv::cvtColor(stored, out, cv::COLOR_RGB2BGR);
  else
    out = stored.clone();
  return out;
}

}  // namespace

ImageHeader read_raw_header(Bytes data) {
  int error = 0;
  const Raw raw = open(data, error);
  if (!raw) {
    if (tiff_based(data)) return find_codec(ImageFormat::Tiff)->header(data);
    throw DecodeError("cannot decode camera RAW: " + reason(error));
  }
  return {sensor_size(*raw), orientation_of(raw->sizes.flip)};
}

DecodedPixels decode_raw(Bytes data, const DecodeRequest& request) {
  int error = 0;
  const Raw raw = open(data, error);
  if (!raw) {
    if (tiff_based(data)) return find_codec(ImageFormat::Tiff)->decode(data, request);
    throw DecodeError("cannot decode camera RAW: " + reason(error));
  }
  DecodedPixels out;
  if (from_preview(*raw, request, out)) return out;
  out.pixels = developed(*raw, request);
  return out;
}

}  // namespace thumbflow::detail
