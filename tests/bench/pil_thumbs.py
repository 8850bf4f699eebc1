"""Pillow peer for tests/bench/compare-peers.sh (not a test).

Usage: pil_thumbs.py serial|pool SIZE OUTDIR FILE...

Makes a SIZExSIZE-box thumbnail of every FILE the way the tutorial does: Image.open, Image.thumbnail,
save as JPEG into OUTDIR. "serial" is a plain loop; "pool" maps the files over a
concurrent.futures.ProcessPoolExecutor with one worker per usable core (same count as nproc).

Image.draft() is deliberately NOT called: plain thumbnail() is what users write, and Pillow's
Image.thumbnail() already calls draft() itself for JPEG (and reduce() for the other formats), i.e.
JPEG shrink-on-load is on anyway. No EXIF transpose either (plain thumbnail() does not do it).
Failures are counted and reported on stderr; the exit status is 1 if any file failed.
"""
import concurrent.futures
import os
import sys

from PIL import Image


def make_thumb(job):
    path, size, outdir = job
    try:
        with Image.open(path) as im:
            im.thumbnail((size, size))  # uses draft() internally for JPEG
            if im.mode not in ("RGB", "L", "CMYK"):  # RGBA, P, LA, I;16, ... cannot be JPEG
                im = im.convert("RGB")
            # The whole relative path in the name, so fruits.jpg and fruits.webp do not collide.
            name = path.replace(os.sep, "_") + "_thumb.jpg"
            im.save(os.path.join(outdir, name), "JPEG")
        return None
    except Exception as e:  # noqa: BLE001 - a peer's failure is reported, not fatal
        return f"{path}: {e}"


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("serial", "pool"):
        sys.exit("usage: pil_thumbs.py serial|pool SIZE OUTDIR FILE...")
    mode, size, outdir, files = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    jobs = [(f, size, outdir) for f in files]
    if mode == "serial":
        errors = [make_thumb(j) for j in jobs]
    else:
        with concurrent.futures.ProcessPoolExecutor(max_workers=len(os.sched_getaffinity(0))) as pool:
            errors = list(pool.map(make_thumb, jobs))
    errors = [e for e in errors if e]
    for e in errors:
        print(f"pillow: {e}", file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
