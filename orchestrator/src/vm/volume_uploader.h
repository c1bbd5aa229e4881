// Content-addressed copies of local files (kernels, initramfs) in a storage
// pool of a libvirt host that shares no file with this one: each file is
// sent once per host (virStorageVolUpload), whatever run asks again.
#pragma once

#include <libvirt/libvirt.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>

namespace kmx {

// The pool kmod-matrix keeps on every remote host.
inline constexpr std::string_view kArtifactPool = "kmod-matrix";
inline constexpr std::string_view kArtifactPoolDir = "/var/lib/libvirt/kmod-matrix";

// "sha256-<hex>": the volume of a file with this digest; "<name>.ok" marks
// an upload that finished.
std::string artifact_volume_name(const std::string& sha256);

class VolumeUploader {
 public:
  explicit VolumeUploader(virConnectPtr conn) : conn_(conn) {}
  VolumeUploader(const VolumeUploader&) = delete;
  VolumeUploader& operator=(const VolumeUploader&) = delete;
  ~VolumeUploader();

  // The path of the file's copy on the host, uploading it first if the host
  // has none. Throws std::runtime_error with the cause and a fix.
  std::string path_on_host(const std::filesystem::path& local);
  // Bytes this uploader sent (files the host already had cost nothing).
  std::uintmax_t bytes_uploaded() const { return uploaded_; }

 private:
  virStoragePoolPtr pool();
  std::string upload(const std::filesystem::path& local, const std::string& sha256);

  virConnectPtr conn_;
  std::mutex mutex_;
  virStoragePoolPtr pool_ = nullptr;
  // local path, size and mtime -> path on the host
  std::map<std::string, std::string> known_;
  std::atomic<std::uintmax_t> uploaded_{0};
};

}  // namespace kmx
