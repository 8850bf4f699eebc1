#include "jpeg_maker.hpp"

#include <algorithm>
#include <cstdlib>

namespace thumbflow::test {

std::vector<std::uint8_t> encode_jpeg(const cv::Mat& img, const JpegSpec& spec) {
  jpeg_compress_struct c{};
  jpeg_error_mgr err{};
  c.err = jpeg_std_error(&err);
  jpeg_CreateCompress(&c, JPEG_LIB_VERSION, sizeof c);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &out, &size);
  c.image_width = static_cast<JDIMENSION>(img.cols);
  c.image_height = static_cast<JDIMENSION>(img.rows);
  c.input_components = img.channels();
  c.in_color_space = img.channels() == 1 ? JCS_GRAYSCALE : img.channels() == 3 ? JCS_EXT_BGR : JCS_CMYK;
  jpeg_set_defaults(&c);
  if (img.channels() == 4) {
    jpeg_set_colorspace(&c, spec.four_channel_as);
    c.write_Adobe_marker = spec.adobe_marker ? TRUE : FALSE;
  }
  if (img.channels() == 3 && spec.three_channel_as != JCS_YCbCr)
    jpeg_set_colorspace(&c, spec.three_channel_as);
  jpeg_set_quality(&c, spec.quality, TRUE);
  c.restart_interval = static_cast<unsigned>(spec.restart_interval);
  c.arith_code = spec.arithmetic ? TRUE : FALSE;
  if (spec.luma_h > 0) {
    c.comp_info[0].h_samp_factor = spec.luma_h;
    c.comp_info[0].v_samp_factor = spec.luma_v;
  } else if (!spec.subsample)
    for (int i = 0; i < c.num_components; ++i)
      c.comp_info[i].h_samp_factor = c.comp_info[i].v_samp_factor = 1;
  if (!spec.scans.empty()) {
    c.scan_info = spec.scans.data();
    c.num_scans = static_cast<int>(spec.scans.size());
  } else if (spec.progressive) {
    jpeg_simple_progression(&c);
  }
  jpeg_start_compress(&c, TRUE);
  if (!spec.icc.empty()) jpeg_write_icc_profile(&c, spec.icc.data(), static_cast<unsigned>(spec.icc.size()));
  for (int y = 0; y < img.rows; ++y) {
    JSAMPROW row = const_cast<JSAMPLE*>(img.ptr<JSAMPLE>(y));
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  std::vector<std::uint8_t> bytes(out, out + size);
  std::free(out);
  return bytes;
}

jpeg_scan_info scan(int component, int ss, int se, int ah, int al) {
  return {1, {component}, ss, se, ah, al};
}

std::vector<jpeg_scan_info> many_scans(std::vector<int> ac_heavy, bool dc_first) {
  std::vector<jpeg_scan_info> scans{scan(0, 0, 0, 0, 0), scan(1, 0, 0, 0, 0)};
  if (dc_first) scans.push_back(scan(2, 0, 0, 0, 0));
  for (int component : ac_heavy)
    for (int k = 1; k < 64; ++k) {
      scans.push_back(scan(component, k, k, 0, 10));
      for (int ah = 10; ah > 0; --ah) scans.push_back(scan(component, k, k, ah, ah - 1));
    }
  if (!dc_first) scans.push_back(scan(2, 0, 0, 0, 0));
  for (int component = 0; component < 3; ++component)
    if (std::find(ac_heavy.begin(), ac_heavy.end(), component) == ac_heavy.end())
      scans.push_back(scan(component, 1, 63, 0, 0));
  return scans;
}

}  // namespace thumbflow::test
