// OpenCV's image decoders (cv::imdecode), loaded on first use.
//
// libopencv_imgcodecs pulls in about 120 shared libraries on Debian (GDAL, HDF5, poppler, ...);
// linking it made every thumbflow process spend ~80 ms in the dynamic loader before main(). JPEG
// and WebP, the common cases, are decoded and encoded with libjpeg-turbo and libwebp directly, PNG
// with libspng, GIF with giflib, TIFF with libtiff, so the library is opened with dlopen only when a
// BMP or Netpbm file is read.
#pragma once

#include <opencv2/core/mat.hpp>

namespace thumbflow::detail {

// cv::imdecode(buffer, flags). Throws std::runtime_error naming the library if it cannot be
// loaded; cv::Exception from OpenCV passes through. Thread-safe.
cv::Mat opencv_imdecode(const cv::Mat& buffer, int flags);

}  // namespace thumbflow::detail
