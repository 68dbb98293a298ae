#!/usr/bin/env bash
# Checks README's Debian prerequisites on a clean machine: a minimal Debian 12 (bookworm)
# chroot gets README's apt line and nothing else, borrows this machine's Rust toolchain
# (rustup's ~/.rustup and ~/.cargo, bind-mounted), clones this repository and runs the two
# set-up commands' build and `cargo test`. Run as root; needs debootstrap and the network.
#
#   .ci/verify-fresh-debian.sh [CHROOT_DIR]        (default: /var/tmp/poort-fresh-debian)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
R=${1:-/var/tmp/poort-fresh-debian}
if [ ! -x "$R/bin/bash" ]; then
  debootstrap --variant=minbase bookworm "$R" http://deb.debian.org/debian
fi
cleanup() {
  for m in root/.cargo root/.rustup sys dev proc; do umount -l "$R/$m" 2>/dev/null || true; done
}
trap cleanup EXIT
mount -t proc proc "$R/proc"
mount --rbind /dev "$R/dev"
mount --rbind /sys "$R/sys"
cp /etc/resolv.conf "$R/etc/resolv.conf"
# A debootstrapped tree has no hosts file; every installed Debian has this one.
grep -qs localhost "$R/etc/hosts" || printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$R/etc/hosts"
mkdir -p "$R/root/.rustup" "$R/root/.cargo"
mount --bind "$HOME/.rustup" "$R/root/.rustup"
mount --bind "$HOME/.cargo" "$R/root/.cargo"
rm -rf "$R/src"
git clone -q "$repo" "$R/src"
apt_line=$(grep -m1 -E '^sudo apt-get install' "$repo/README.md" | sed 's/^sudo //')
echo "==> $apt_line"
chroot "$R" /bin/bash -c "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && $apt_line >/dev/null"
chroot "$R" /bin/bash -c 'export PATH=/root/.cargo/bin:$PATH RUSTUP_AUTO_INSTALL=0 CARGO_TARGET_DIR=/src/target; cd /src && cargo build && cargo test'
echo "==> a fresh Debian 12 built Poort and passed cargo test with README's apt line"
