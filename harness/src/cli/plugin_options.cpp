#include "plugin_options.hpp"

#include <boost/program_options/value_semantic.hpp>
#include <string>
#include <vector>

namespace harness::cli {

namespace po = boost::program_options;

po::options_description plugin_options() {
  po::options_description options("Plugin options");
  options.add_options()(
      "plugin-dir", po::value<std::vector<std::string>>()->value_name("DIR")->composing(),
      "also load every plugin (*.so) in DIR; may be given several times. The built-in plugin "
      "folder and the folders in HARNESS_PLUGIN_PATH (':'-separated) are always searched");
  return options;
}

Registry load_plugins(const po::variables_map& options,
                      const std::vector<std::filesystem::path>& files) {
  auto folders = default_plugin_folders();
  if (options.count("plugin-dir")) {
    for (const auto& dir : options["plugin-dir"].as<std::vector<std::string>>()) {
      folders.push_back({dir, "--plugin-dir"});
    }
  }
  return Registry::load(folders, files);
}

}  // namespace harness::cli
