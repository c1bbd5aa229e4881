// The kernel and kmod sources kmod-matrix ships.
#pragma once

#include "images/source_registry.h"

namespace kmx {

// One line per source; the first of each kind is the default.
void register_builtin_sources(SourceRegistry& registry);

// A registry holding them, built on first use.
const SourceRegistry& builtin_sources();

}  // namespace kmx
