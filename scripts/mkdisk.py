#!/usr/bin/env python3
"""mkdisk.py: a raw disk image with an MBR partition table, for QEMU's
--disk (tests/run/qemu-run.sh) or a real disk: dom0 mounts the first
partition of type 7f that holds a pfs on /disk (pvguest/dom0/disk.h).

  mkdisk.py [--mkpfs PATH] IMAGE MIB PART...

  PART is TYPE@FIRST+SECTORS, then optionally what goes into it:
    TYPE@FIRST+SECTORS                     left zero
    TYPE@FIRST+SECTORS=FILE                FILE's bytes (a raw image)
    TYPE@FIRST+SECTORS:NAME=FILE,NAME=FILE a new pfs of the partition's
                                           size holding those host files
  TYPE is hexadecimal (7f: a pfs for dom0; da: data, e.g. a domU's disk),
  FIRST and SECTORS count 512-byte sectors.  The partitions are entries
  1, 2, ... in the order given.

Example: dom0's files on partition 1 (4 MiB at 1 MiB):
  scripts/mkdisk.py disk.img 8 \\
      7f@2048+8192:pvguest-domU=build/guests/pvguest-domU,hx.cfg=my.cfg

Partitions must lie inside the image, not overlap, not cover sector 0,
and each file must fit its partition; otherwise nothing is written.
"""
import os
import re
import subprocess
import sys
import tempfile

SECTOR = 512


def die(msg):
    sys.exit("mkdisk: " + msg)


def parse(spec, disk_sectors):
    m = re.fullmatch(r"([0-9a-fA-F]{1,2})@(\d+)\+(\d+)(?:([=:])(.*))?", spec)
    if not m:
        die(f"bad partition {spec!r} (TYPE@FIRST+SECTORS[=FILE | :NAME=FILE,...])")
    ptype, first, count = int(m.group(1), 16), int(m.group(2)), int(m.group(3))
    if ptype == 0 or first == 0 or count == 0 or first + count > disk_sectors:
        die(f"partition {spec!r}: type 0, empty, over sector 0 or past the disk")
    if first + count > 1 << 32:
        die(f"partition {spec!r}: beyond what an MBR can address")
    files = []
    if m.group(4) == ":":
        for item in m.group(5).split(","):
            name, eq, path = item.partition("=")
            if not eq or not name or not path:
                die(f"partition {spec!r}: {item!r} is not NAME=FILE")
            files.append((name, path))
    return {"type": ptype, "first": first, "count": count,
            "raw": m.group(5) if m.group(4) == "=" else None, "files": files}


def content(p, mkpfs, tmp):
    """The bytes that go into partition p (None: leave it zero)."""
    path = p["raw"]
    if p["files"]:
        path = os.path.join(tmp, f"part{p['first']}.pfs")
        kib = p["count"] * SECTOR // 1024
        args = [mkpfs, path, str(kib)] + [f"{n}={f}" for n, f in p["files"]]
        if subprocess.run(args, stdout=subprocess.DEVNULL).returncode != 0:
            die(f"mkpfs failed for the partition at sector {p['first']}")
    if path is None:
        return None
    with open(path, "rb") as f:
        data = f.read()
    if len(data) > p["count"] * SECTOR:
        die(f"{path}: {len(data)} bytes do not fit {p['count']} sectors")
    return data


def main(argv):
    mkpfs = os.environ.get("MKPFS", "build/tools/mkpfs")
    if len(argv) > 1 and argv[0] == "--mkpfs":
        mkpfs, argv = argv[1], argv[2:]
    if len(argv) < 3 or not argv[1].isdigit():
        die("usage: mkdisk.py [--mkpfs PATH] IMAGE MIB PART... (see the script's header)")
    image, mib = argv[0], int(argv[1])
    disk_sectors = mib * 1024 * 1024 // SECTOR
    parts = [parse(s, disk_sectors) for s in argv[2:]]
    if len(parts) > 4:
        die("an MBR holds 4 partitions")
    for i, a in enumerate(parts):
        for b in parts[i + 1:]:
            if a["first"] < b["first"] + b["count"] and b["first"] < a["first"] + a["count"]:
                die(f"partitions at {a['first']} and {b['first']} overlap")
    mbr = bytearray(SECTOR)
    with tempfile.TemporaryDirectory() as tmp:
        datas = [content(p, mkpfs, tmp) for p in parts]
        for i, p in enumerate(parts):
            e = 446 + 16 * i
            mbr[e + 4] = p["type"]
            mbr[e + 8:e + 12] = p["first"].to_bytes(4, "little")
            mbr[e + 12:e + 16] = p["count"].to_bytes(4, "little")
        mbr[510:512] = b"\x55\xaa"
        with open(image, "wb") as f:
            f.truncate(disk_sectors * SECTOR)
            f.write(mbr)
            for p, data in zip(parts, datas):
                if data is not None:
                    f.seek(p["first"] * SECTOR)
                    f.write(data)


if __name__ == "__main__":
    main(sys.argv[1:])
