#include "registry.hpp"

#include <fmt/format.h>
#include <fmt/std.h>

#include <dlfcn.h>
#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <sstream>

namespace harness {

namespace fs = std::filesystem;

namespace {

template <class Info>
const Info* find_by_name(const std::vector<Info>& infos, const std::string& name) {
  auto it = std::find_if(infos.begin(), infos.end(), [&](const Info& i) { return i.name == name; });
  return it == infos.end() ? nullptr : &*it;
}

template <class Info>
std::string names_of(const std::vector<Info>& infos) {
  std::string names;
  for (const auto& info : infos) names += (names.empty() ? "" : ", ") + info.name;
  return names.empty() ? "none" : names;
}

// Adds `entry` to `infos`, refusing a name that another plugin already provides.
template <class Info, class Entry>
void add_entry(std::vector<Info>& infos, const Entry& entry,
               const std::shared_ptr<const PluginInfo>& plugin, const char* kind) {
  if (const Info* other = find_by_name(infos, entry.name)) {
    throw PluginError(fmt::format(
        "{} '{}' is provided by two plugins: {} and {}; remove one of them from the plugin "
        "folders",
        kind, entry.name, other->plugin->file, plugin->file));
  }
  infos.push_back({entry.name, entry.summary, plugin, entry.make});
}

// Why the dynamic loader refuses `file` ("invalid ELF header", a missing dependency, ...).
// Boost.DLL 1.74 clears dlerror() before reporting a failed load, so ask the loader once more.
std::string loader_reason(const fs::path& file) {
  void* handle = dlopen(file.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (handle) {
    dlclose(handle);
    return "the loader accepts it on a second attempt";
  }
  std::string reason = dlerror();
  if (const auto colon = reason.rfind(": "); colon != std::string::npos) reason.erase(0, colon + 2);
  return reason;
}

}  // namespace

std::vector<PluginFolder> default_plugin_folders() {
  std::vector<PluginFolder> folders;
  folders.push_back({boost::dll::program_location().parent_path().parent_path().native() + "/" +
                         HARNESS_PLUGIN_SUBDIR,
                     "the harness's built-in plugin folder"});
  if (const char* path = std::getenv("HARNESS_PLUGIN_PATH")) {
    std::stringstream stream(path);
    std::string folder;
    while (std::getline(stream, folder, ':')) {
      if (!folder.empty()) folders.push_back({folder, "HARNESS_PLUGIN_PATH"});
    }
  }
  return folders;
}

Registry Registry::load(const std::vector<PluginFolder>& folders,
                        const std::vector<fs::path>& extra_files) {
  std::vector<fs::path> files;
  for (const auto& folder : folders) {
    std::error_code error;
    if (!fs::is_directory(folder.path, error)) {
      throw PluginError(fmt::format(
          "plugin folder {} (from {}) does not exist or is not a folder; create it or fix the path",
          folder.path, folder.origin));
    }
    std::vector<fs::path> in_folder;
    for (const auto& item : fs::directory_iterator(folder.path)) {
      if (item.is_regular_file() && item.path().extension() == ".so") {
        in_folder.push_back(item.path());
      }
    }
    std::sort(in_folder.begin(), in_folder.end());
    files.insert(files.end(), in_folder.begin(), in_folder.end());
  }
  for (const auto& file : extra_files) {
    std::error_code error;
    if (!fs::is_regular_file(file, error)) {
      throw PluginError(fmt::format("plugin file {} does not exist or is not a file", file));
    }
    const auto same_file = [&](const fs::path& loaded) { return fs::equivalent(loaded, file); };
    if (std::none_of(files.begin(), files.end(), same_file)) files.push_back(file);
  }
  return load_files(files);
}

Registry Registry::load_files(const std::vector<fs::path>& files) {
  Registry registry;
  for (const auto& file : files) registry.add_file(file);
  return registry;
}

void Registry::add_file(const fs::path& file) {
  auto library = std::make_shared<boost::dll::shared_library>();
  // RTLD_NODELETE: a plugin's dependencies (OpenBLAS, TBB) run worker threads that outlive any
  // object the plugin made, so its code must stay mapped until the process ends.
  const auto mode =
      boost::dll::load_mode::rtld_local | static_cast<boost::dll::load_mode::type>(RTLD_NODELETE);
  try {
    library->load(file.native(), mode);
  } catch (const boost::dll::fs::system_error&) {
    throw PluginError(fmt::format(
        "plugin {} could not be loaded ({}); is it a shared library built for this machine?", file,
        loader_reason(file)));
  }
  if (!library->has(kPluginEntryPoint)) {
    throw PluginError(
        fmt::format("plugin {} has no entry point '{}'; export one with HARNESS_PLUGIN(...) from "
                    "<harness/plugin.hpp>",
                    file, kPluginEntryPoint));
  }
  const PluginDescriptor* descriptor = library->get_alias<PluginEntryPoint>(kPluginEntryPoint)();
  if (descriptor->abi_version != kAbiVersion) {
    throw PluginError(fmt::format(
        "plugin {} was built for plugin ABI version {}, but this harness has ABI version {}; "
        "rebuild the plugin against this harness's SDK headers",
        file, descriptor->abi_version, kAbiVersion));
  }
  auto plugin = std::make_shared<const PluginInfo>(
      PluginInfo{file, descriptor->name, descriptor->version, library});
  plugins_.push_back(plugin);
  for (const auto& entry : descriptor->cells) add_entry(cells_, entry, plugin, "cell");
  for (const auto& entry : descriptor->backends) add_entry(backends_, entry, plugin, "backend");
}

std::shared_ptr<const Cell> Registry::make_cell(const std::string& name) const {
  const CellInfo* info = find_by_name(cells_, name);
  if (!info) {
    throw PluginError(
        fmt::format("unknown cell '{}'; available cells: {}", name, names_of(cells_)));
  }
  auto library = info->plugin->library;
  return {info->make().release(), [library](const Cell* cell) { delete cell; }};
}

std::shared_ptr<const Backend> Registry::make_backend(const std::string& name,
                                                      const BackendOptions& options) const {
  const BackendInfo* info = find_by_name(backends_, name);
  if (!info) {
    throw PluginError(
        fmt::format("unknown backend '{}'; available backends: {}", name, names_of(backends_)));
  }
  auto library = info->plugin->library;
  return {info->make(options).release(), [library](const Backend* backend) { delete backend; }};
}

}  // namespace harness
