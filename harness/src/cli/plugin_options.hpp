// The --plugin-dir option every command that loads plugins shares.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

#include "../registry.hpp"

namespace harness::cli {

boost::program_options::options_description plugin_options();

// The default folders, then every --plugin-dir, then `files`, loaded into a registry (throws
// PluginError).
Registry load_plugins(const boost::program_options::variables_map& options,
                      const std::vector<std::filesystem::path>& files = {});

}  // namespace harness::cli
