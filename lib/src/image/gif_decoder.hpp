// GIF decoding on giflib: the logical screen, frames composited on it as a browser shows them.
#pragma once

#include <cstdint>

#include "image/codec.hpp"
#include "image/format.hpp"
#include "image/header.hpp"

namespace thumbflow::detail {

// The logical screen size (GIF has no orientation: always 1). Throws DecodeError when the
// header is cut short.
ImageHeader read_gif_header(Bytes data);

// The number of image blocks (frames), found by walking the block structure without decoding
// any pixels; a file cut short counts the frames that start before the cut. Bounds-checked.
int count_gif_frames(Bytes data);

// The first frame composited on a transparent logical screen: BGRA (CV_8UC4) when any pixel is
// transparent, else BGR. With request.all_frames and more than one frame, also every frame as a
// BGRA canvas (disposal methods applied) with its delay; the frames x screen pixels bound
// (request.max_frame_pixels) is checked before any frame is decoded. request.max_pixels bounds
// every frame's rectangle as well as the screen. Throws DecodeError with a one-line reason.
// Thread-safe (one giflib handle per call; giflib keeps no global state).
DecodedPixels decode_gif(Bytes data, const DecodeRequest& request);

}  // namespace thumbflow::detail
