#include "images/kmod_build_options.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace kmx {
namespace {

// dh_auto_configure's own arguments (debhelper 13, Buildsystem/autoconf.pm
// and meson.pm), which every Debian kmod build gets before debian/rules'.
std::vector<std::string> debhelper_defaults(KmodBuildSystem system, const std::string& multiarch) {
  if (system == KmodBuildSystem::kMeson)
    return {"--wrap-mode=nodownload",
            "--buildtype=plain",
            "--prefix=/usr",
            "--sysconfdir=/etc",
            "--localstatedir=/var",
            "--libdir=lib/" + multiarch,
            "--libexecdir=lib/" + multiarch};
  return {"--build=" + multiarch,
          "--prefix=/usr",
          "--includedir=${prefix}/include",
          "--mandir=${prefix}/share/man",
          "--infodir=${prefix}/share/info",
          "--sysconfdir=/etc",
          "--localstatedir=/var",
          "--disable-option-checking",
          "--disable-silent-rules",
          "--libdir=${prefix}/lib/" + multiarch,
          "--libexecdir=${prefix}/lib/" + multiarch,
          "--runstatedir=/run",
          "--disable-maintainer-mode",
          "--disable-dependency-tracking"};
}

// Documentation and test-suite switches: they need gtk-doc, xsltproc, scdoc
// or kernel headers, and change nothing the guest runs.
std::vector<std::string> without_docs_and_tests(KmodBuildSystem system, const std::vector<std::string>& args) {
  static const std::set<std::string> kDropped = {"--enable-gtk-doc", "-Ddocs=true", "-Dbuild-tests=true",
                                                 "-Dmanpages=true"};
  std::vector<std::string> out;
  for (const auto& a : args)
    if (!kDropped.count(a) && !a.starts_with("-Ddocs=") && !a.starts_with("-Dbuild-tests=") &&
        !a.starts_with("-Dmanpages="))
      out.push_back(a);
  if (system == KmodBuildSystem::kMeson) {
    out.insert(out.end(), {"-Dmanpages=false", "-Ddocs=false", "-Dbuild-tests=false"});
  } else {
    out.insert(out.end(), {"--disable-gtk-doc", "--disable-manpages"});
  }
  return out;
}

// debian/rules variables: `NAME = value` or `NAME := value` at column 0,
// continuation lines joined.
std::map<std::string, std::string> make_variables(std::string_view rules) {
  std::map<std::string, std::string> vars;
  std::string joined;
  std::istringstream in{std::string(rules)};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!joined.empty()) joined += ' ';
    if (!line.empty() && line.back() == '\\') {
      joined += line.substr(0, line.size() - 1);
      continue;
    }
    lines.push_back(joined + line);
    joined.clear();
  }
  for (const auto& line : lines) {
    if (line.empty() || !(std::isalpha(static_cast<unsigned char>(line[0])) || line[0] == '_')) continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string name = line.substr(0, eq);
    if (!name.empty() && (name.back() == ':' || name.back() == '?' || name.back() == '+')) name.pop_back();
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
    if (name.empty() || name.find_first_of(" \t$()") != std::string::npos) continue;
    vars[name] = line.substr(eq + 1);
  }
  return vars;
}

// Expands $(NAME) from `vars` and `fixed`, drops $(shell ...) (build flags
// from dpkg-buildflags: CFLAGS and hardening, not behaviour).
std::string expand(const std::string& text, const std::map<std::string, std::string>& vars,
                   const std::map<std::string, std::string>& fixed, int depth = 0) {
  if (depth > 8) throw std::runtime_error("debian/rules: variables nest too deeply");
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "$(") != 0) {
      out += text[i];
      continue;
    }
    int open = 1;
    std::size_t j = i + 2;
    for (; j < text.size() && open > 0; ++j) open += text[j] == '(' ? 1 : text[j] == ')' ? -1 : 0;
    const std::string inner = text.substr(i + 2, j - i - 3);
    i = j - 1;
    if (inner.starts_with("shell ") || inner.starts_with("subst ")) continue;
    if (auto f = fixed.find(inner); f != fixed.end()) {
      out += f->second;
    } else if (auto v = vars.find(inner); v != vars.end()) {
      out += expand(v->second, vars, fixed, depth + 1);
    }
  }
  return out;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) {
    // "-D name=value" is one meson option.
    if (!words.empty() && words.back() == "-D") {
      words.back() += w;
    } else {
      words.push_back(w);
    }
  }
  return words;
}

}  // namespace

std::string_view to_string(KmodBuildSystem system) { return system == KmodBuildSystem::kMeson ? "meson" : "autotools"; }

KmodBuildOptions options_from_debian_rules(std::string_view rules, KmodBuildSystem system,
                                           const std::string& multiarch) {
  const auto vars = make_variables(rules);
  if (!vars.count("CONFFLAGS_deb"))
    throw std::runtime_error("debian/rules defines no CONFFLAGS_deb: cannot tell how Debian configures this kmod");
  const std::map<std::string, std::string> fixed = {
      {"DEB_HOST_MULTIARCH", multiarch}, {"KMOD_ENABLE_TESTS", "false"}, {"KMOD_ENABLE_DOCS", "false"}};
  KmodBuildOptions options{system, debhelper_defaults(system, multiarch), "debian/rules CONFFLAGS_deb"};
  for (auto& a : without_docs_and_tests(system, split_words(expand(vars.at("CONFFLAGS_deb"), vars, fixed))))
    options.args.push_back(std::move(a));
  return options;
}

KmodBuildOptions distribution_options(KmodBuildSystem system, std::string_view meson_options) {
  // The features of Debian's kmod 30+20221128-1 (autotools) and 34.2-2
  // (meson) packaging; paths from debhelper.
  if (system == KmodBuildSystem::kAutotools) {
    KmodBuildOptions o{system, debhelper_defaults(system, "x86_64-linux-gnu"), "Debian kmod 30 packaging profile"};
    for (const char* a : {"--bindir=/bin", "--with-rootlibdir=/usr/lib/x86_64-linux-gnu", "--with-openssl", "--with-xz",
                          "--with-zstd", "--disable-test-modules", "--enable-debug"})
      o.args.push_back(a);
    o.args = without_docs_and_tests(system, o.args);
    return o;
  }
  KmodBuildOptions o{system, debhelper_defaults(system, "x86_64-linux-gnu"), "Debian kmod 34.2 packaging profile"};
  const auto declared = declared_meson_options(meson_options);
  const std::set<std::string> known(declared.begin(), declared.end());
  for (const char* a : {"-Dopenssl=enabled", "-Ddlopen=all", "-Dzlib=disabled", "-Dxz=enabled", "-Dzstd=enabled"}) {
    const std::string arg = a;
    const std::string name = arg.substr(2, arg.find('=') - 2);
    if (known.count(name)) o.args.push_back(arg);
  }
  for (auto& a : without_docs_and_tests(system, {}))
    if (known.count(a.substr(2, a.find('=') - 2))) o.args.push_back(a);
  return o;
}

std::vector<std::string> declared_meson_options(std::string_view text) {
  std::vector<std::string> names;
  for (std::size_t at = text.find("option("); at != std::string_view::npos; at = text.find("option(", at + 1)) {
    std::size_t q = text.find_first_not_of(" \t\r\n", at + 7);
    if (q == std::string_view::npos || (text[q] != '\'' && text[q] != '"')) continue;
    const std::size_t end = text.find(text[q], q + 1);
    if (end == std::string_view::npos) break;
    names.emplace_back(text.substr(q + 1, end - q - 1));
  }
  return names;
}

namespace {

// Printable runs between NULs, as `strings` would see them.
template <typename Keep>
std::vector<std::string> strings_where(std::string_view binary, Keep keep) {
  std::set<std::string> found;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= binary.size(); ++i) {
    if (i < binary.size() && std::isprint(static_cast<unsigned char>(binary[i]))) continue;
    if (i > start) {
      std::string_view s = binary.substr(start, i - start);
      if (s.size() < 256 && keep(s)) found.emplace(s);
    }
    start = i + 1;
  }
  return {found.begin(), found.end()};
}

}  // namespace

std::vector<std::string> compiled_config_dirs(std::string_view binary) {
  return strings_where(binary, [](std::string_view s) { return s.starts_with('/') && s.ends_with("/modprobe.d"); });
}

std::vector<std::string> named_sonames(std::string_view binary) {
  return strings_where(binary, [](std::string_view s) {
    if (!s.starts_with("lib")) return false;
    const auto so = s.find(".so.");
    if (so == std::string_view::npos || so + 4 >= s.size()) return false;
    for (char c : s.substr(0, so))
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+')) return false;
    for (char c : s.substr(so + 4))
      if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.')) return false;
    return true;
  });
}

std::string config_dir_problem(const std::vector<std::string>& dirs) {
  const bool etc = std::find(dirs.begin(), dirs.end(), "/etc/modprobe.d") != dirs.end();
  const bool usr_etc = std::find(dirs.begin(), dirs.end(), "/usr/etc/modprobe.d") != dirs.end();
  if (etc && !usr_etc) return {};
  std::string listed;
  for (const auto& d : dirs) listed += (listed.empty() ? "" : ", ") + d;
  return "the built kmod searches " + (listed.empty() ? std::string("no modprobe.d directory") : listed) +
         (usr_etc ? ": /usr/etc/modprobe.d is autotools' default sysconfdir, which no distribution uses"
                  : ": /etc/modprobe.d is missing") +
         "\n  fix: configure kmod with --sysconfdir=/etc (meson: -Dsysconfdir=/etc)";
}

}  // namespace kmx
