#!/bin/sh
# Check that the Debian packages Hospes needs are installed.  As root, install
# the missing ones; otherwise print the exact apt-get line and fail.
#
#   scripts/deps.sh          check (and install as root)
#   scripts/deps.sh --list   print the package list
set -e

PACKAGES="gcc make binutils grub-pc-bin grub-efi-amd64-bin grub-common \
xorriso mtools qemu-system-x86 ovmf libcmocka-dev newlib-source \
gnuplot-nox clang-format python3"

if [ "$1" = "--list" ]; then
	echo $PACKAGES
	exit 0
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = "0" ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q || true
	apt-get install -y -q --no-install-recommends $missing
	exit 0
fi

echo "deps: missing Debian packages:$missing" >&2
echo "deps: install them with:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
