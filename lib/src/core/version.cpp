#include "thumbflow/version.hpp"

#include <curl/curl.h>
#include <jpeglib.h>
#include <oneapi/tbb/version.h>
#include <webp/decode.h>

#include <cstdio>  // jpeglib.h needs FILE
#include <opencv2/core/version.hpp>
#include <string>

namespace thumbflow {

const char* version() { return THUMBFLOW_VERSION; }

std::string library_versions() {
  const int webp = WebPGetDecoderVersion();
  std::string out = "OpenCV " CV_VERSION "\n";
  out += "oneTBB " + std::string(TBB_runtime_version()) + "\n";
#ifdef LIBJPEG_TURBO_VERSION
#define THUMBFLOW_STR2(x) #x
#define THUMBFLOW_STR(x) THUMBFLOW_STR2(x)
  out += "libjpeg-turbo " THUMBFLOW_STR(LIBJPEG_TURBO_VERSION) "\n";
#else
  out += "libjpeg " + std::to_string(JPEG_LIB_VERSION) + "\n";
#endif
  out += "libcurl " + std::string(curl_version_info(CURLVERSION_NOW)->version) + "\n";
  out += "libwebp " + std::to_string(webp >> 16) + "." + std::to_string((webp >> 8) & 0xFF) + "." +
         std::to_string(webp & 0xFF) + "\n";
  return out;
}

}  // namespace thumbflow
