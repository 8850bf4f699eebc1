// thumbflow's face module: OpenCV's Haar cascade face detector behind one C function, so that
// thumbflow opens libopencv_objdetect (and the dnn, calib3d, features2d, flann and protobuf
// libraries it brings, ~7 ms of every process start) only when `--crop face` is used. Loaded
// with dlopen by lib/src/crop/face.cpp; nothing else links it.
#include "face/face_module.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void set_error(char* error, std::size_t capacity, const std::string& text) {
  if (error == nullptr || capacity == 0) return;
  const std::size_t n = std::min(capacity - 1, text.size());
  std::memcpy(error, text.data(), n);
  error[n] = '\0';
}

// detectMultiScale keeps per-call buffers inside the classifier: one per thread and cascade file,
// loaded on the thread's first face crop (a few ms; worker threads live for the whole batch).
cv::CascadeClassifier& cascade_for(const std::string& path) {
  thread_local std::map<std::string, std::unique_ptr<cv::CascadeClassifier>> loaded;
  std::unique_ptr<cv::CascadeClassifier>& c = loaded[path];
  if (!c) {
    auto fresh = std::make_unique<cv::CascadeClassifier>();
    if (!fresh->load(path)) {
      loaded.erase(path);
      throw std::runtime_error("face cascade " + path + " could not be read");
    }
    c = std::move(fresh);
  }
  return *c;
}

}  // namespace

extern "C" int thumbflow_face_detect_v1(const char* cascade_path, const unsigned char* gray, int width,
                                        int height, std::size_t step, int smallest, int* rects, int capacity,
                                        char* error, std::size_t error_capacity) {
  try {
    const cv::Mat image(height, width, CV_8UC1, const_cast<unsigned char*>(gray), step);
    std::vector<cv::Rect> found;
    std::vector<int> support;  // overlapping raw detections merged into each face
    cascade_for(cascade_path)
        .detectMultiScale(image, found, support, 1.1, 4, 0, cv::Size(smallest, smallest));
    // Best supported first: a false detection (a shoulder, a pattern) gathers fewer neighbours
    // than a real face, whatever their sizes (data/messi5.jpg: 15 for the face, 9 for a larger
    // false one).
    std::vector<std::size_t> order(found.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return support[a] > support[b]; });
    const int count = std::min(capacity, int(found.size()));
    for (int i = 0; i < count; ++i) {
      const cv::Rect& r = found[order[std::size_t(i)]];
      rects[4 * i] = r.x, rects[4 * i + 1] = r.y, rects[4 * i + 2] = r.width, rects[4 * i + 3] = r.height;
    }
    return count;
  } catch (const cv::Exception& e) {
    set_error(error, error_capacity, "face detection failed: " + e.err);
  } catch (const std::exception& e) {
    set_error(error, error_capacity, e.what());
  } catch (...) {
    set_error(error, error_capacity, "face detection failed");
  }
  return -1;
}
