/* The C entry point of thumbflow's face module (lib/face/face_module.cpp), the one symbol
   lib/src/crop/face.cpp looks up after dlopen. */
#ifndef THUMBFLOW_FACE_MODULE_H
#define THUMBFLOW_FACE_MODULE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Faces in an 8-bit gray image (`step` bytes per row), at least `smallest` pixels wide, best
   supported first: up to `capacity` of them as x, y, width, height in `rects` (4 ints each).
   Returns how many were written, or -1 with a one-line reason in `error` (the cascade file
   unreadable, OpenCV's exception). The cascade is loaded once per thread and file. */
__attribute__((visibility("default"))) int thumbflow_face_detect_v1(const char* cascade_path,
                                                                    const unsigned char* gray, int width,
                                                                    int height, size_t step, int smallest,
                                                                    int* rects, int capacity, char* error,
                                                                    size_t error_capacity);

#ifdef __cplusplus
}
#endif

#endif
