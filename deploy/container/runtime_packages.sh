#!/bin/sh
# Prints the Debian packages that hold the shared libraries BINARY links, one a line, so the
# image's runtime stage installs exactly those (and a new dependency needs no Dockerfile edit).
set -eu
ldd "${1:?usage: runtime_packages.sh BINARY}" | awk '$3 ~ /^\// { print $3 }' | while read -r library; do
    # usrmerge: a library found under /lib is registered under /usr/lib, or the other way round.
    dpkg -S "$library" 2>/dev/null || dpkg -S "/usr$library" 2>/dev/null || dpkg -S "${library#/usr}"
done | cut -d: -f1 | sort -u
