#include "vm/volume_uploader.h"

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>

#include "os/files.h"
#include "vm/libvirt_error.h"

namespace kmx {
namespace fs = std::filesystem;
namespace {

struct Volume {
  virStorageVolPtr ptr = nullptr;
  ~Volume() {
    if (ptr) virStorageVolFree(ptr);
  }
};

std::string volume_xml(const std::string& name, std::uintmax_t bytes) {
  return "<volume><name>" + name + "</name><capacity unit='bytes'>" + std::to_string(bytes) +
         "</capacity><target><format type='raw'/></target></volume>";
}

int send_from_fd(virStreamPtr, char* data, size_t n, void* opaque) {
  return static_cast<int>(::read(*static_cast<int*>(opaque), data, n));
}

std::string path_of(virStorageVolPtr volume) {
  char* path = virStorageVolGetPath(volume);
  if (!path) throw std::runtime_error("libvirt gave no path for a volume of pool " + std::string(kArtifactPool));
  std::string out(path);
  free(path);
  return out;
}

const std::string kFix = "\n  fix: the host's libvirt needs a writable " + std::string(kArtifactPoolDir) +
                         " for a dir storage pool (virsh -c URI pool-list --all shows it)";

}  // namespace

std::string artifact_volume_name(const std::string& sha256) { return "sha256-" + sha256; }

VolumeUploader::~VolumeUploader() {
  if (pool_) virStoragePoolFree(pool_);
}

virStoragePoolPtr VolumeUploader::pool() {
  if (pool_) return pool_;
  const std::string name(kArtifactPool);
  virStoragePoolPtr pool = virStoragePoolLookupByName(conn_, name.c_str());
  if (!pool) {
    const std::string xml = "<pool type='dir'><name>" + name + "</name><target><path>" + std::string(kArtifactPoolDir) +
                            "</path></target></pool>";
    pool = virStoragePoolDefineXML(conn_, xml.c_str(), 0);
    if (!pool) pool = virStoragePoolLookupByName(conn_, name.c_str());  // another run defined it meanwhile
    if (!pool) throw std::runtime_error("cannot define storage pool " + name + ": " + libvirt_last_error() + kFix);
    virStoragePoolBuild(pool, 0);
    virStoragePoolSetAutostart(pool, 1);
  }
  if (virStoragePoolIsActive(pool) != 1 && virStoragePoolCreate(pool, 0) != 0) {
    // Defined before, its directory gone since: build it again.
    std::string why = libvirt_last_error();
    virStoragePoolBuild(pool, 0);
    if (virStoragePoolCreate(pool, 0) != 0 && virStoragePoolIsActive(pool) != 1) {
      virStoragePoolFree(pool);
      throw std::runtime_error("cannot start storage pool " + name + ": " + why + kFix);
    }
  }
  virStoragePoolRefresh(pool, 0);  // volumes other runs uploaded
  pool_ = pool;
  return pool_;
}

std::string VolumeUploader::path_on_host(const fs::path& local) {
  std::error_code ec;
  const auto size = fs::file_size(local, ec);
  if (ec) throw std::runtime_error("cannot read " + local.string() + " to send it to the host: " + ec.message());
  const auto mtime = fs::last_write_time(local, ec).time_since_epoch().count();
  const std::string key = local.string() + "\n" + std::to_string(size) + "\n" + std::to_string(mtime);
  std::lock_guard lock(mutex_);
  if (auto it = known_.find(key); it != known_.end()) return it->second;
  const std::string sha = sha256_file(local);
  const std::string name = artifact_volume_name(sha);
  Volume done{virStorageVolLookupByName(pool(), (name + ".ok").c_str())};
  Volume volume{done.ptr ? virStorageVolLookupByName(pool(), name.c_str()) : nullptr};
  const std::string path = volume.ptr ? path_of(volume.ptr) : upload(local, sha);
  known_[key] = path;
  return path;
}

// The file under its digest, then the empty ".ok" volume that says the
// upload finished: a run killed mid-upload leaves no volume that looks whole.
std::string VolumeUploader::upload(const fs::path& local, const std::string& sha256) {
  const std::string name = artifact_volume_name(sha256);
  const std::uintmax_t size = fs::file_size(local);
  Volume stale{virStorageVolLookupByName(pool(), name.c_str())};
  if (stale.ptr) virStorageVolDelete(stale.ptr, 0);
  Volume volume{virStorageVolCreateXML(pool(), volume_xml(name, size).c_str(), 0)};
  if (!volume.ptr) throw std::runtime_error("cannot create volume " + name + ": " + libvirt_last_error() + kFix);
  const int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + local.string() + " to send it to the host");
  virStreamPtr stream = virStreamNew(conn_, 0);
  int fd_copy = fd;
  const bool sent = stream && virStorageVolUpload(volume.ptr, stream, 0, size, 0) == 0 &&
                    virStreamSendAll(stream, send_from_fd, &fd_copy) == 0 && virStreamFinish(stream) == 0;
  const std::string why = sent ? "" : libvirt_last_error();
  if (stream) {
    if (!sent) virStreamAbort(stream);
    virStreamFree(stream);
  }
  ::close(fd);
  if (!sent) {
    virStorageVolDelete(volume.ptr, 0);
    throw std::runtime_error("uploading " + local.string() + " to the host failed: " + why);
  }
  Volume marker{virStorageVolCreateXML(pool(), volume_xml(name + ".ok", 0).c_str(), 0)};
  if (!marker.ptr) {
    // Another run finished the same upload first: its marker is as good.
    Volume theirs{virStorageVolLookupByName(pool(), (name + ".ok").c_str())};
    if (!theirs.ptr)
      throw std::runtime_error("cannot mark volume " + name + " complete: " + libvirt_last_error() + kFix);
  }
  uploaded_ += size;
  return path_of(volume.ptr);
}

}  // namespace kmx
