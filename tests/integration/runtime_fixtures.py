"""Hand-made Pharo runtimes for the install and build tests: image headers written byte by byte
(pharo-vm.md section 4) and a VM launcher that is a small script answering --version."""
import os
import stat
import struct

NEW_VM = """#!/bin/sh
case "$1" in
  --version) echo "Pharo 10.0.5 built on Jan 1 2025 Compiler: 12.2.0"; echo "Built from: v10.0.5"; exit 0;;
esac
echo "Invalid or unknown VM parameter $1" >&2
exit 1
"""

OLD_VM = """#!/bin/sh
case "$1" in
  -version) echo "5.0-202004241321  Fri Apr 24 2020 gcc 12 [Production Spur 64-bit VM]"
            echo "CoInterpreter VMMaker.oscog-eem.2760"; exit 0;;
esac
echo "unknown option: $1" >&2
echo "Usage: squeak [<option>...] [<imageName> [<argument>...]]" >&2
exit 1
"""


def image_bytes(fmt=68021, data=4096, pharo_version=0):
    """A 64-bit (or 32-bit) image: the header, then `data` bytes of object data."""
    if fmt & 0x119EE >= 68000:
        header = bytearray(128)
        struct.pack_into("<IIQ", header, 0, fmt, 128, data)
        struct.pack_into("<H", header, 70, pharo_version)
    else:
        header = bytearray(64)
        struct.pack_into("<III", header, 0, fmt, 64, data)
    return bytes(header) + bytes((i * 7) & 0xFF for i in range(data))


def write_exec(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def make_runtime_dir(root, vm=NEW_VM, image=None, version="120", sources=None, with_link=True):
    """The layout get.pharo.org leaves: pharo-vm/, Pharo.image, Pharo.changes, *.sources, wrappers."""
    root = str(root)
    os.makedirs(os.path.join(root, "pharo-vm", "lib"), exist_ok=True)
    write_exec(os.path.join(root, "pharo-vm", "pharo"), vm)
    with open(os.path.join(root, "pharo-vm", "lib", "libPharoVMCore.so.1"), "wb") as f:
        f.write(b"\x7fELF not really a library")
    if with_link:
        os.symlink("libPharoVMCore.so.1", os.path.join(root, "pharo-vm", "lib", "libPharoVMCore.so"))
    if image is None:
        image = image_bytes(pharo_version=int(version) if int(version) >= 110 else 0)
    with open(os.path.join(root, "Pharo.image"), "wb") as f:
        f.write(image)
    with open(os.path.join(root, "Pharo.changes"), "w") as f:
        f.write("'From Pharo of the base image'!\n")
    if sources is None:
        v = int(version)
        sources = f"Pharo{v // 10}.{v % 10}-64bit-abc1234.sources"
    with open(os.path.join(root, sources), "w") as f:
        f.write("method sources\n")
    write_exec(os.path.join(root, "pharo"), "#!/bin/sh\n\"$(dirname \"$0\")\"/pharo-vm/pharo --headless \"$@\"\n")
    return root
