#include "gif_maker.hpp"

#include <gif_lib.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace thumbflow::test {
namespace {

int write_to_vector(GifFileType* gif, const GifByteType* data, int n) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(gif->UserData);
  out->insert(out->end(), data, data + n);
  return n;
}

struct MapFree {
  void operator()(ColorMapObject* map) const { GifFreeMapObject(map); }
};
using Map = std::unique_ptr<ColorMapObject, MapFree>;

Map make_map(const std::vector<cv::Vec3b>& colours) {
  if (colours.empty()) return nullptr;
  int size = 2;
  while (size < int(colours.size())) size *= 2;
  Map map(GifMakeMapObject(size, nullptr));
  if (!map) throw std::runtime_error("GifMakeMapObject failed");
  for (int i = 0; i < size; ++i) {
    const cv::Vec3b c = i < int(colours.size()) ? colours[std::size_t(i)] : cv::Vec3b{0, 0, 0};
    map->Colors[i] = {c[0], c[1], c[2]};
  }
  return map;
}

void check(int status, GifFileType* gif, const char* what) {
  if (status != GIF_OK)
    throw std::runtime_error(std::string(what) + " failed: " + std::to_string(gif->Error));
}

void put_frame(GifFileType* gif, const GifFrameSpec& f) {
  if (f.control_block) {
    GraphicsControlBlock gcb{f.disposal, false, f.delay_cs, f.transparent};
    GifByteType ext[4];
    const auto n = EGifGCBToExtension(&gcb, ext);
    check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, int(n), ext), gif, "EGifPutExtension");
  }
  if (f.comment_after_control) {
    const char comment[] = "made by hand";
    check(EGifPutExtension(gif, COMMENT_EXT_FUNC_CODE, int(sizeof comment - 1), comment), gif, "comment");
  }
  const Map local = make_map(f.local_colours);
  check(EGifPutImageDesc(gif, f.left, f.top, f.indices.cols, f.indices.rows, f.interlaced, local.get()), gif,
        "EGifPutImageDesc");
  std::vector<int> rows;
  if (f.interlaced) {
    constexpr int kStart[] = {0, 4, 2, 1}, kStep[] = {8, 8, 4, 2};
    for (int pass = 0; pass < 4; ++pass)
      for (int y = kStart[pass]; y < f.indices.rows; y += kStep[pass]) rows.push_back(y);
  } else {
    for (int y = 0; y < f.indices.rows; ++y) rows.push_back(y);
  }
  for (const int y : rows)
    check(EGifPutLine(gif, const_cast<GifPixelType*>(f.indices.ptr<GifPixelType>(y)), f.indices.cols), gif,
          "EGifPutLine");
}

}  // namespace

std::vector<std::uint8_t> make_gif(const GifSpec& spec) {
  std::vector<std::uint8_t> out;
  int error = 0;
  GifFileType* gif = EGifOpen(&out, write_to_vector, &error);
  if (gif == nullptr) throw std::runtime_error("EGifOpen failed: " + std::to_string(error));
  try {
    EGifSetGifVersion(gif, true);
    const Map global = make_map(spec.global_colours);
    check(EGifPutScreenDesc(gif, spec.width, spec.height, 8, 0, global.get()), gif, "EGifPutScreenDesc");
    if (spec.loop) {
      const char app[] = "NETSCAPE2.0";
      const GifByteType loop[] = {1, 0, 0};
      check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE), gif, "leader");
      check(EGifPutExtensionBlock(gif, 11, app), gif, "block");
      check(EGifPutExtensionBlock(gif, 3, loop), gif, "block");
      check(EGifPutExtensionTrailer(gif), gif, "trailer");
    }
    for (const GifFrameSpec& f : spec.frames) put_frame(gif, f);
  } catch (...) {
    EGifCloseFile(gif, nullptr);
    throw;
  }
  if (EGifCloseFile(gif, &error) != GIF_OK) throw std::runtime_error("EGifCloseFile failed");
  return out;
}

std::vector<std::uint8_t> make_still_gif(const cv::Mat& indices, const std::vector<cv::Vec3b>& colours,
                                         int transparent) {
  GifSpec spec{indices.cols, indices.rows, colours, {}};
  GifFrameSpec frame;
  frame.indices = indices;
  frame.transparent = transparent;
  frame.control_block = transparent >= 0;
  spec.frames.push_back(frame);
  return make_gif(spec);
}

}  // namespace thumbflow::test
