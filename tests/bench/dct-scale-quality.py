#!/usr/bin/env python3
"""Usage: dct-scale-quality.py FOLDER BOX THUMBFLOW_PNG_DIR

Issue 19, point 4: would decoding JPEGs at the largest DCT scale that still covers the box (the
libvips rule), then one good filter, keep the quality of thumbflow's rule (decode at least twice the
box, then area)? For each JPEG in FOLDER, the luma PSNR against a full decode reduced with Pillow's
antialiased Lanczos-3 (a high-quality reference that none of the candidates is) of:
  today        thumbflow's own thumbnail, from `thumbflow run FOLDER -o DIR -s BOX --format png`
               (PNG, so that no encoder loss is counted);
  dct+lanczos  Image.draft to the largest DCT scale that covers the box, then Lanczos-3;
  dct+box      the same, then a box (area) filter;
  dct2x+box    Image.draft to at least twice the box, then a box filter (thumbflow's rule, in Pillow).
Prints the minimum and median over the folder. Needs python3-pil and python3-numpy (Debian). Not a
test and not run in CI: a figure for the README.
"""
import glob
import math
import os
import sys

import numpy as np
from PIL import Image


def luma(im):
    a = np.asarray(im.convert("RGB"), dtype=np.float64)
    return 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]


def psnr(a, b):
    mse = np.mean((luma(a) - luma(b)) ** 2)
    return 99.0 if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.splitlines()[0])
    folder, box, thumbs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    results = {"today": [], "dct+lanczos": [], "dct+box": [], "dct2x+box": []}
    for path in sorted(glob.glob(os.path.join(folder, "*.jpg"))):
        full = Image.open(path)
        full.load()
        w, h = full.size
        s = min(box / w, box / h, 1.0)
        size = (max(1, round(w * s)), max(1, round(h * s)))
        reference = full.convert("RGB").resize(size, Image.LANCZOS)
        stem = os.path.splitext(os.path.basename(path))[0]
        ours = Image.open(os.path.join(thumbs, stem + "_thumbnail.png"))
        if ours.size != size:
            print(f"{stem}: thumbflow made {ours.size}, the reference is {size}; resized to compare")
            ours = ours.resize(size, Image.LANCZOS)
        results["today"].append(psnr(ours, reference))
        for name, want, flt in (("dct+lanczos", size, Image.LANCZOS), ("dct+box", size, Image.BOX),
                                ("dct2x+box", (2 * size[0], 2 * size[1]), Image.BOX)):
            small = Image.open(path)
            small.draft("RGB", want)
            small.load()
            results[name].append(psnr(small.convert("RGB").resize(size, flt), reference))
    for name, values in results.items():
        values.sort()
        print(f"{name:12s} min {values[0]:5.1f} dB   median {values[len(values) // 2]:5.1f} dB   ({len(values)} files)")


if __name__ == "__main__":
    main()
