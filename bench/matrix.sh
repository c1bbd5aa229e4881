# Sourced by the benchmarks: the one-kernel, host-kmod matrix they run.
#   bench_matrix NAME TEST MEMORY_LIST [KERNEL_PACKAGE] > FILE
# MEMORY_LIST is the TOML list's inside ("512" or "512,513,514"); the kernel
# is Debian's 6.1.0-56 unless KERNEL_PACKAGE names another.
bench_matrix() {
  cat <<TOML
name = "$1"
tests = ["$2"]
vcpus = [1]
memory_mib = [$3]
[[kernel]]
name = "debian-6.1"
package = "${4:-linux-image-6.1.0-56-amd64}"
[[kmod]]
name = "host"
TOML
}
