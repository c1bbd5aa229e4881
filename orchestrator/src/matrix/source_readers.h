// How the matrix parser reads a [[kernel]] or [[kmod]] table: by its
// `source` name, each source with its own reader. images/source_registry.h
// fills this from the registered providers; matrix/ knows none of them.
#pragma once

#include <any>
#include <functional>
#include <string>
#include <vector>

namespace kmx {

class SourceTable;

struct SourceReader {
  std::string name;   // the value of `source = "..."`
  std::string usage;  // how to declare it, for errors: "\"debian\" (package = ...)"
  // Reads and validates the source's own keys; throws MatrixError.
  std::function<std::any(SourceTable&)> read;
};

struct SourceReaders {
  std::string kernel_default;  // the source of a [[kernel]] without `source`
  std::string kmod_default;
  std::vector<SourceReader> kernel;
  std::vector<SourceReader> kmod;
};

// "\"a\", \"b\" (x = ...) or \"c\"": every reader's usage, in registration order.
std::string usage_list(const std::vector<SourceReader>& readers);

}  // namespace kmx
