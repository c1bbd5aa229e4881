// The text of libvirt's last error on this thread, for the messages of the
// libvirt driver and its helpers (only kmx_libvirt includes this).
#pragma once

#include <libvirt/virterror.h>

#include <string>

namespace kmx {

inline std::string libvirt_last_error() {
  const char* message = virGetLastErrorMessage();
  return message ? message : "unknown libvirt error";
}

}  // namespace kmx
