#include "images/shared_libs.h"

#include <sstream>

namespace kmx {

std::vector<std::string> parse_ldd_output(std::string_view ldd_output, std::vector<std::string>& missing) {
  std::vector<std::string> libs;
  std::istringstream in{std::string(ldd_output)};
  std::string line;
  while (std::getline(in, line)) {
    auto arrow = line.find("=>");
    std::istringstream words(arrow == std::string::npos ? line : line.substr(arrow + 2));
    std::string first;
    words >> first;
    if (first == "not") {  // "libfoo.so => not found"
      std::istringstream name(line);
      std::string lib;
      name >> lib;
      missing.push_back(lib);
    } else if (!first.empty() && first[0] == '/') {
      libs.push_back(first);
    }
  }
  return libs;
}

}  // namespace kmx
