#!/usr/bin/env python3
"""Check a disk image after scenario/blk-domu's AHCI run.

Usage: blk-image-check.py IMAGE FIRST_SECTOR SECTORS EXPECTED_BLOCKS

The domU wrote self-describing 4 KiB blocks into the window [FIRST_SECTOR,
FIRST_SECTOR + SECTORS) of the disk (pvguest/apps/blk/blk.c): word 0 is
the block's number in the window, word 1023 an FNV-1a checksum of words
0..1022.  Every block must be all zeros or such a block, and the valid
ones must number EXPECTED_BLOCKS.  Prints one TAP line.
"""
import struct
import sys


def fnv(words):
    h = 2166136261
    for w in words:
        h = ((h ^ w) * 16777619) & 0xFFFFFFFF
    return h


def main():
    image, first, sectors, expected = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    valid = bad = 0
    with open(image, "rb") as f:
        f.seek(first * 512)
        for b in range(sectors // 8):
            data = f.read(4096)
            if len(data) < 4096:
                bad += 1
                continue
            if data == bytes(4096):
                continue
            w = struct.unpack("<1024I", data)
            if w[0] == b and w[1023] == fnv(w[:1023]):
                valid += 1
            else:
                bad += 1
    ok = bad == 0 and valid == expected and valid > 0
    print("%s - blk-domu: the host finds %d valid blocks (domU wrote %d), %d bad, in the image"
          % ("ok" if ok else "not ok", valid, expected, bad))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
