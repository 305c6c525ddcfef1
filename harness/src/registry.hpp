// The plugin registry: finds plugin files, loads them with Boost.DLL, checks their ABI version and
// indexes the cells and backends they provide by name.
//
// A loaded library stays in memory as long as the registry or any object made from it is alive:
// every object is handed out with a deleter that holds the library. Libraries are loaded with
// RTLD_NODELETE, so their code stays mapped after that, for the worker threads of their
// dependencies.
#pragma once

#include <filesystem>
#include <harness/plugin.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace boost::dll {
class shared_library;
}

namespace harness {

// A plugin could not be found or loaded; the message names the file and says how to fix it.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A folder to search, and where it came from (for messages): "--plugin-dir", ...
struct PluginFolder {
  std::filesystem::path path;
  std::string origin;
};

struct PluginInfo {
  std::filesystem::path file;
  std::string name;
  std::string version;
  std::shared_ptr<boost::dll::shared_library> library;
};

struct CellInfo {
  std::string name;
  std::string summary;
  std::shared_ptr<const PluginInfo> plugin;
  std::unique_ptr<Cell> (*make)();
};

struct BackendInfo {
  std::string name;
  std::string summary;
  std::shared_ptr<const PluginInfo> plugin;
  std::unique_ptr<Backend> (*make)(const BackendOptions&);
};

// The folders searched by default, in order: the plugin folder next to the harness executable
// (<prefix>/lib/harness/plugins), then each folder of HARNESS_PLUGIN_PATH (':'-separated).
std::vector<PluginFolder> default_plugin_folders();

class Registry {
 public:
  // Loads every plugin file (*.so) of every folder, then each of `files` not already among them.
  // Throws PluginError on the first bad one.
  static Registry load(const std::vector<PluginFolder>& folders,
                       const std::vector<std::filesystem::path>& files = {});
  // Loads the given plugin files.
  static Registry load_files(const std::vector<std::filesystem::path>& files);

  const std::vector<std::shared_ptr<const PluginInfo>>& plugins() const { return plugins_; }
  const std::vector<CellInfo>& cells() const { return cells_; }
  const std::vector<BackendInfo>& backends() const { return backends_; }

  // Throws PluginError naming the available ones when `name` is unknown.
  std::shared_ptr<const Cell> make_cell(const std::string& name) const;
  std::shared_ptr<const Backend> make_backend(const std::string& name,
                                              const BackendOptions& options) const;

 private:
  void add_file(const std::filesystem::path& file);

  std::vector<std::shared_ptr<const PluginInfo>> plugins_;
  std::vector<CellInfo> cells_;
  std::vector<BackendInfo> backends_;
};

}  // namespace harness
