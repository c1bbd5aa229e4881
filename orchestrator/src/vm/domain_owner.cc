#include "vm/domain_owner.h"

#include <unistd.h>

#include <charconv>
#include <fstream>

#include "text/text_escape.h"

namespace kmx {
namespace {

std::string first_line(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

bool is_id_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

// The value of name='...' (or "...") inside one element's text; ids and
// pids only, so no entity decoding is needed and any other byte refuses.
std::optional<std::string> attribute(std::string_view element, std::string_view name) {
  for (std::size_t at = element.find(name); at != std::string_view::npos; at = element.find(name, at + 1)) {
    if (at == 0 || element[at - 1] != ' ') continue;
    std::size_t p = at + name.size();
    if (p + 1 >= element.size() || element[p] != '=' || (element[p + 1] != '\'' && element[p + 1] != '"')) continue;
    const char quote = element[p + 1];
    const std::size_t end = element.find(quote, p + 2);
    if (end == std::string_view::npos) return std::nullopt;
    std::string value(element.substr(p + 2, end - p - 2));
    if (value.empty() || value.size() > 64) return std::nullopt;
    for (char c : value)
      if (!is_id_char(c)) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

}  // namespace

DomainOwner this_process_owner() {
  DomainOwner me;
  me.host_id = first_line("/etc/machine-id");
  if (me.host_id.empty()) me.host_id = first_line("/var/lib/dbus/machine-id");
  if (me.host_id.empty()) {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    me.host_id = std::string("host-") + name;
  }
  me.boot_id = first_line("/proc/sys/kernel/random/boot_id");
  me.pid = static_cast<int>(::getpid());
  return me;
}

std::string owner_metadata_xml(const DomainOwner& owner) {
  return "<kmx:owner xmlns:kmx='" + std::string(kOwnerNamespace) + "' host='" + escape_markup(owner.host_id) +
         "' boot='" + escape_markup(owner.boot_id) + "' pid='" + std::to_string(owner.pid) + "'/>";
}

std::optional<DomainOwner> parse_owner_metadata(std::string_view xml) {
  if (xml.size() > 4096) return std::nullopt;
  const std::size_t open = xml.find("<");
  if (open == std::string_view::npos) return std::nullopt;
  const std::size_t close = xml.find('>', open);
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view element = xml.substr(open, close - open);
  // virDomainGetMetadata picks the element by namespace and hands it back
  // without one (or with any prefix): the element's name is what is left.
  const std::size_t name_end = element.find_first_of(" \t\n/");
  const std::string_view tag = element.substr(1, name_end == std::string_view::npos ? element.size() : name_end - 1);
  if (tag != "owner" && !tag.ends_with(":owner")) return std::nullopt;
  auto host = attribute(element, "host"), boot = attribute(element, "boot"), pid_text = attribute(element, "pid");
  if (!host || !boot || !pid_text) return std::nullopt;
  int pid = 0;
  auto [end, ec] = std::from_chars(pid_text->data(), pid_text->data() + pid_text->size(), pid);
  if (ec != std::errc() || end != pid_text->data() + pid_text->size() || pid <= 0) return std::nullopt;
  return DomainOwner{*host, *boot, pid};
}

OwnerVerdict judge_owner(const DomainOwner& owner, const DomainOwner& me, const std::function<bool(int pid)>& alive) {
  if (owner.host_id != me.host_id) return OwnerVerdict::kForeign;
  if (owner.boot_id != me.boot_id) return OwnerVerdict::kStale;  // that process died with its boot
  return alive(owner.pid) ? OwnerVerdict::kLive : OwnerVerdict::kStale;
}

}  // namespace kmx
