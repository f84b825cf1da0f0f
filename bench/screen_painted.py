"""Polls the X screen until the app's start screen is painted; prints when, in ns since the epoch.

Used by start-painted.sh. Reads the middle band of the screen (below the menu bar, above the status bar) every
POLL seconds straight from the X server (XGetImage, no files): the root window of Xvfb -br is black; an empty
window is one flat colour; the start screen's text and buttons make many colours (anti-aliased glyphs). Prints
"mapped NS" when the band first turns non-black and "painted NS" when it holds at least MIN_COLOURS colours; with an argument, writes that band there (PPM).
"""
import ctypes
import sys
import time

import numpy as np

POLL = 0.02
MIN_COLOURS = 16
TIMEOUT = 30.0


class XImage(ctypes.Structure):
    _fields_ = [("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int),
                ("format", ctypes.c_int), ("data", ctypes.c_void_p), ("byte_order", ctypes.c_int),
                ("bitmap_unit", ctypes.c_int), ("bitmap_bit_order", ctypes.c_int), ("bitmap_pad", ctypes.c_int),
                ("depth", ctypes.c_int), ("bytes_per_line", ctypes.c_int), ("bits_per_pixel", ctypes.c_int)]


def main():
    x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XGetImage.restype = ctypes.POINTER(XImage)
    x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_uint,
                              ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
    x11.XDestroyImage.argtypes = [ctypes.POINTER(XImage)]
    x11.XDisplayWidth.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]
    dpy = x11.XOpenDisplay(None)
    if not dpy:
        sys.exit("no X display")
    root = x11.XDefaultRootWindow(dpy)
    w, h = x11.XDisplayWidth(dpy, 0), x11.XDisplayHeight(dpy, 0)
    y0, band = h // 4, h // 2
    mapped = False
    end = time.time() + TIMEOUT
    while time.time() < end:
        img = x11.XGetImage(dpy, root, 0, y0, w, band, 0xFFFFFFFF, 2)  # ZPixmap
        if img:
            im = img.contents
            raw = ctypes.string_at(im.data, im.bytes_per_line * im.height)
            px = np.frombuffer(raw, dtype=np.uint32).reshape(im.height, -1)[::4, :w:4] & 0xFFFFFF
            x11.XDestroyImage(img)
            now = time.time_ns()
            if not mapped and np.count_nonzero(px) > px.size // 4:
                mapped = True
                print("mapped", now, flush=True)
            if mapped and len(np.unique(px)) >= MIN_COLOURS:
                print("painted", now, flush=True)
                if len(sys.argv) > 1:  # the band as it was, to check what was detected
                    rgb = np.stack([(px >> 16) & 255, (px >> 8) & 255, px & 255], axis=-1).astype(np.uint8)
                    with open(sys.argv[1], "wb") as f:
                        f.write(b"P6 %d %d 255\n" % (rgb.shape[1], rgb.shape[0]) + rgb.tobytes())
                return
        time.sleep(POLL)
    sys.exit("timed out")


if __name__ == "__main__":
    main()
