#!/usr/bin/env python3
"""Disk images for tests/scenarios/drivers.sh.

  disk-image.py make FILE SEED    4 MiB image: sectors 0-7 pseudo-random
                                  from SEED, the rest zero
  disk-image.py fnv FILE LBA N    FNV-1a (32 bits) of N sectors from LBA
  disk-image.py pattern N         FNV-1a of the N-sector pattern dom0's
                                  hwtest writes (drivers/hw/hwtest.c)
"""
import random
import sys

SECTOR = 512


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return "%08x" % h


def pattern(n):
    x, out = 0x12345678, bytearray(n)
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out[i] = (x >> 16) & 0xFF
    return bytes(out)


def main(argv):
    if argv[1] == "make":
        rng = random.Random(argv[3])
        head = bytes(rng.getrandbits(8) for _ in range(8 * SECTOR))
        with open(argv[2], "wb") as f:
            f.write(head + bytes(4 * 1024 * 1024 - len(head)))
    elif argv[1] == "fnv":
        lba, n = int(argv[3]), int(argv[4])
        with open(argv[2], "rb") as f:
            f.seek(lba * SECTOR)
            print(fnv1a(f.read(n * SECTOR)))
    elif argv[1] == "pattern":
        print(fnv1a(pattern(int(argv[2]) * SECTOR)))
    else:
        sys.exit("disk-image.py: unknown command " + argv[1])


if __name__ == "__main__":
    main(sys.argv)
