// Face detection with OpenCV's Haar cascade, found at run time in Debian's opencv-data.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <stdexcept>

#include "crop/focus.hpp"

namespace thumbflow::detail {

std::string face_cascade_path() {
  if (const char* env = std::getenv("THUMBFLOW_FACE_CASCADE"); env != nullptr && *env != '\0') {
    if (!std::filesystem::is_regular_file(env))
      throw std::runtime_error(std::string("face cascade ") + env + " (THUMBFLOW_FACE_CASCADE) not found");
    return env;
  }
  for (const char* dir : {"/usr/share/opencv4/haarcascades", "/usr/share/opencv/haarcascades"}) {
    const auto path = std::filesystem::path(dir) / "haarcascade_frontalface_default.xml";
    if (std::filesystem::is_regular_file(path)) return path.string();
  }
  throw std::runtime_error(
      "--crop face needs haarcascade_frontalface_default.xml: install the Debian package opencv-data "
      "(or set THUMBFLOW_FACE_CASCADE)");
}

std::vector<cv::Rect> detect_faces(const cv::Mat& bgr) {
  // detectMultiScale keeps per-call buffers inside the classifier: one per thread, loaded on the
  // thread's first face crop (a few ms; worker threads live for the whole batch).
  thread_local std::unique_ptr<cv::CascadeClassifier> cascade;
  if (!cascade) {
    auto loaded = std::make_unique<cv::CascadeClassifier>();
    const std::string path = face_cascade_path();
    if (!loaded->load(path)) throw std::runtime_error("face cascade " + path + " could not be read");
    cascade = std::move(loaded);
  }
  cv::Mat grey;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::equalizeHist(grey, grey);
  std::vector<cv::Rect> found;
  std::vector<int> support;  // overlapping raw detections merged into each face
  const int smallest = std::max(20, std::min(grey.cols, grey.rows) / 20);
  cascade->detectMultiScale(grey, found, support, 1.1, 4, 0, cv::Size(smallest, smallest));
  // Best supported first: a false detection (a shoulder, a pattern) gathers fewer neighbours than
  // a real face, whatever their sizes (data/messi5.jpg: 15 for the face, 9 for a larger false one).
  std::vector<std::size_t> order(found.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return support[a] > support[b]; });
  std::vector<cv::Rect> faces;
  for (const std::size_t i : order) faces.push_back(found[i]);
  return faces;
}

}  // namespace thumbflow::detail
