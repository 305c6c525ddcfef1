#include "cli/run_location.hpp"

#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "file_io.hpp"
#include "results/store.hpp"

namespace harness::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr const char* kDefaultStore = "results/harness.sqlite";

RunRecord load(const fs::path& store, const std::string& run_id) {
  if (!fs::exists(store)) {
    throw UsageError{
        fmt::format("the results store {} does not exist; name the one holding run "
                    "{} with --store FILE",
                    store.string(), run_id)};
  }
  try {
    return ResultsStore(store.string()).load_run(run_id);
  } catch (const std::runtime_error& error) {
    throw UsageError{error.what()};
  }
}

}  // namespace

po::options_description store_option() {
  po::options_description options;
  options.add_options()("store", po::value<std::string>()->value_name("FILE"),
                        fmt::format("the SQLite results database (default: the one the run "
                                    "folder's run.json names, else {})",
                                    kDefaultStore)
                            .c_str());
  return options;
}

LocatedRun locate_run(const std::string& name, const po::variables_map& options) {
  const bool given = options.count("store") && !options["store"].defaulted();
  const std::optional<fs::path> store_given =
      given ? std::optional<fs::path>(options["store"].as<std::string>()) : std::nullopt;
  LocatedRun located;
  if (fs::is_directory(name)) {
    const auto text = read_whole_file(fs::path(name) / "run.json");
    if (!text) {
      throw UsageError{
          fmt::format("{} has no run.json: name a run's folder "
                      "(results/<experiment>/<run-id>) or a run id",
                      name)};
    }
    nlohmann::json run_json;
    try {
      run_json = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::exception& error) {
      throw UsageError{fmt::format("{}/run.json is not valid JSON: {}", name, error.what())};
    }
    located.folder = name;
    located.store = store_given.value_or(run_json.value("store", kDefaultStore));
    located.run = load(located.store, run_json.at("run_id").get<std::string>());
    return located;
  }
  located.store = store_given.value_or(kDefaultStore);
  if (!fs::exists(located.store)) {
    throw UsageError{
        fmt::format("'{}' is not a run's folder, and there is no results store {} "
                    "to look it up as a run id in (--store FILE names another)",
                    name, located.store.string())};
  }
  located.run = load(located.store, name);
  located.folder = fs::path("results") / located.run.experiment / located.run.run_id;
  return located;
}

}  // namespace harness::cli
