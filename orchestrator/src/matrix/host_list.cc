#include "matrix/host_list.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "matrix/table_reader.h"

namespace kmx {

std::string uri_problem(std::string_view uri) {
  const std::string shown = "'" + std::string(uri.substr(0, 200)) + "'";
  if (uri.empty()) return "a libvirt URI is empty\n  fix: e.g. qemu:///system or qemu+ssh://HOST/system";
  if (uri.size() > 1024) return "a libvirt URI is longer than 1024 bytes\n  fix: give the host's libvirt URI";
  for (char c : uri)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
      return "libvirt URI " + shown + " contains a space or a control character\n  fix: quote only the URI itself";
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0)
    return "libvirt URI " + shown + " has no scheme\n  fix: write it as DRIVER[+TRANSPORT]://[HOST]/PATH, e.g. " +
           "qemu+ssh://lab1/system";
  for (char c : uri.substr(0, scheme_end))
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-')
      return "libvirt URI " + shown + " has a malformed scheme\n  fix: e.g. qemu:///system or qemu+tcp://HOST/system";
  return "";
}

std::vector<HostEntry> parse_hosts_file(std::string_view text, const std::string& file) {
  const toml::table root = parse_toml(text, file);
  TableReader top(root, file, "the hosts file");
  const toml::array* hosts = top.array("host");
  top.reject_unknown_keys();
  if (!hosts || hosts->empty())
    top.fail_table("the hosts file lists no host", "add [[host]] entries with uri = \"qemu+ssh://HOST/system\"");
  std::vector<HostEntry> out;
  for (std::size_t i = 0; i < hosts->size(); ++i) {
    const toml::node& node = *hosts->get(i);
    const std::string context = "host[" + std::to_string(i) + "]";
    if (!node.is_table())
      throw MatrixError(where(file, node.source()) + ": " + context + " must be a table\n  fix: write [[host]]");
    TableReader reader(*node.as_table(), file, context);
    HostEntry entry;
    entry.uri = reader.required_string("uri", "\"qemu+ssh://HOST/system\"");
    if (std::string problem = uri_problem(entry.uri); !problem.empty())
      reader.fail(*reader.get("uri"), problem.substr(0, problem.find('\n')), problem.substr(problem.find("fix: ") + 5));
    entry.cpus = reader.integer("cpus", 1, 4096, "CPUs").value_or(0);
    entry.memory_mib = reader.integer("memory_mib", 256, 1 << 24, "MiB").value_or(0);
    if (const toml::array* labels = reader.array("labels"))
      for (const auto& label : *labels) {
        if (!label.is_string() || label.value<std::string>()->empty() || label.value<std::string>()->size() > 64)
          throw MatrixError(
              where(file, label.source()) + ": " + context +
              ".labels holds something that is not a short string\n  fix: labels = [\"kvm\", \"rack-2\"]");
        entry.labels.push_back(*label.value<std::string>());
      }
    reader.reject_unknown_keys();
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<HostEntry> read_hosts_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw MatrixError(path.string() + ": no such hosts file\n  fix: pass --hosts FILE with [[host]] entries");
  if (std::filesystem::file_size(path, ec) > (1 << 20) || ec)
    throw MatrixError(path.string() + ": unreadable or larger than 1 MiB\n  fix: a hosts file lists hosts, not data");
  std::ifstream in(path);
  std::ostringstream text_stream;
  text_stream << in.rdbuf();
  const std::string text = text_stream.str();
  if (in.bad()) throw MatrixError(path.string() + ": cannot be read\n  fix: make it readable");
  return parse_hosts_file(text, path.string());
}

std::vector<HostEntry> host_list(const std::vector<std::string>& connect, const std::vector<HostEntry>& from_file) {
  std::vector<HostEntry> out;
  for (const auto& uri : connect) {
    if (std::string problem = uri_problem(uri); !problem.empty()) throw MatrixError("--connect: " + problem);
    out.push_back({uri});
  }
  for (const auto& entry : from_file) out.push_back(entry);
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (out[i].uri == out[j].uri)
        throw MatrixError("libvirt host " + out[i].uri +
                          " is given twice\n  fix: name each host once (--connect or the hosts file, not both)");
  return out;
}

}  // namespace kmx
