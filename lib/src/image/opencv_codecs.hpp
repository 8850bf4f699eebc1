// OpenCV's image codecs (cv::imdecode / cv::imencode), loaded on first use.
//
// libopencv_imgcodecs pulls in about 120 shared libraries on Debian (GDAL, HDF5, poppler, ...);
// linking it made every thumbflow process spend ~80 ms in the dynamic loader before main(). JPEG
// and WebP, the common cases, are decoded and encoded with libjpeg-turbo and libwebp directly, so
// the library is opened with dlopen only when a PNG, TIFF, BMP, GIF ... is read or a PNG written.
#pragma once

#include <cstdint>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

namespace thumbflow::detail {

// cv::imdecode(buffer, flags). Throws std::runtime_error naming the library if it cannot be
// loaded; cv::Exception from OpenCV passes through. Thread-safe.
cv::Mat opencv_imdecode(const cv::Mat& buffer, int flags);

// cv::imencode(ext, image, out, params). Same errors as opencv_imdecode.
bool opencv_imencode(const std::string& ext, const cv::Mat& image, std::vector<std::uint8_t>& out,
                     const std::vector<int>& params);

}  // namespace thumbflow::detail
