// Face detection with OpenCV's Haar cascade, found at run time in Debian's opencv-data. The
// detector itself lives in thumbflow's face module (lib/face/face_module.cpp), opened with dlopen
// on the first face crop: libopencv_objdetect and what it links (dnn, calib3d, features2d, flann,
// protobuf) cost ~7 ms of every process start when linked.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/shared_library.hpp"
#include "crop/focus.hpp"
#include "face/face_module.h"

namespace thumbflow::detail {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModule = "face.so";

using Detect = decltype(&thumbflow_face_detect_v1);

struct Detector {
  std::unique_ptr<SharedLibrary> library;
  Detect detect = nullptr;
  std::string error;  // why it could not be loaded
};

// $`env` if set (it must name a file), else the first of `candidates` that is a file; else throws
// `missing`.
std::string first_file(const char* env, const char* what, const std::vector<fs::path>& candidates,
                       const std::string& missing) {
  if (const char* set = std::getenv(env); set != nullptr && *set != '\0') {
    if (!fs::is_regular_file(set))
      throw std::runtime_error(std::string(what) + " " + set + " (" + env + ") not found");
    return set;
  }
  std::error_code ec;
  for (const fs::path& candidate : candidates)
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  throw std::runtime_error(missing);
}

Detector load_detector() {
  Detector d;
  try {
    const std::string path = face_module_path();
    d.library = std::make_unique<SharedLibrary>(path.c_str());
    d.detect = d.library->function<Detect>("thumbflow_face_detect_v1");
    if (d.detect == nullptr)
      d.error = "thumbflow's face module could not be loaded (" + d.library->error() + ")";
  } catch (const std::exception& e) {
    d.error = e.what();
  }
  return d;
}

Detect face_detector() {
  static const Detector loaded = load_detector();  // once, thread-safe
  if (loaded.detect == nullptr) throw std::runtime_error(loaded.error);
  return loaded.detect;
}

}  // namespace

std::string face_cascade_path() {
  return first_file("THUMBFLOW_FACE_CASCADE", "face cascade",
                    {"/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml",
                     "/usr/share/opencv/haarcascades/haarcascade_frontalface_default.xml"},
                    "--crop face needs haarcascade_frontalface_default.xml: install the Debian package "
                    "opencv-data (or set THUMBFLOW_FACE_CASCADE)");
}

std::string face_module_path() {
  std::vector<fs::path> candidates;
  std::error_code ec;
  const fs::path program = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(program.parent_path().parent_path() / "lib" / "thumbflow" / kModule);
  candidates.emplace_back(THUMBFLOW_FACE_MODULE_INSTALLED);
  for (const char* prefix : {"/usr", "/usr/local"})
    candidates.push_back(fs::path(prefix) / "lib/thumbflow" / kModule);
  return first_file("THUMBFLOW_FACE_MODULE", "face module", candidates,
                    "--crop face needs thumbflow's face module, lib/thumbflow/" + std::string(kModule) +
                        ", next to the program's folder or under /usr: not found (reinstall thumbflow, "
                        "or set THUMBFLOW_FACE_MODULE)");
}

void check_face_crop() {
  face_cascade_path();
  face_detector();
}

std::vector<cv::Rect> detect_faces(const cv::Mat& bgr) {
  const Detect detect = face_detector();
  thread_local const std::string cascade = face_cascade_path();
  cv::Mat grey;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::equalizeHist(grey, grey);
  const int smallest = std::max(20, std::min(grey.cols, grey.rows) / 20);
  constexpr int kMostFaces = 256;
  std::vector<int> rects(4 * kMostFaces);
  char error[512] = {};
  const int found = detect(cascade.c_str(), grey.data, grey.cols, grey.rows, grey.step, smallest,
                           rects.data(), kMostFaces, error, sizeof error);
  if (found < 0) throw std::runtime_error(error);
  std::vector<cv::Rect> faces;
  for (int i = 0; i < found; ++i) {
    const int* r = &rects[std::size_t(4 * i)];
    faces.emplace_back(r[0], r[1], r[2], r[3]);
  }
  return faces;
}

}  // namespace thumbflow::detail
