// A run named on the command line, as its folder (results/<experiment>/<run-id>, which names its
// store in run.json) or as its id in a store.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>
#include <filesystem>
#include <string>

#include "results/record.hpp"

namespace harness::cli {

// --store, for commands that read runs.
boost::program_options::options_description store_option();

struct LocatedRun {
  RunRecord run;
  std::filesystem::path folder;  // the folder named, or results/<experiment>/<run-id>
  std::filesystem::path store;
};

// Loads the run `name` names. The store is --store when given, else the one the folder's
// run.json names, else the default. Throws UsageError saying what was looked for and where.
LocatedRun locate_run(const std::string& name,
                      const boost::program_options::variables_map& options);

}  // namespace harness::cli
