// harness merge: the parts of a sweep (harness run --shard I/N) combined into one run, with the
// run's folder and report as `harness run` writes them.
#include <fmt/format.h>

#include <boost/program_options.hpp>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "report/report.hpp"
#include "results/export.hpp"
#include "results/merge.hpp"
#include "results/summary.hpp"
#include "run/runner.hpp"

namespace harness::cli {

namespace po = boost::program_options;

int merge_command(const std::vector<std::string>& args) {
  po::options_description options(
      "Usage: harness merge STORE... --into STORE [options]\n\n"
      "Combines the parts of a sweep run apart ('harness run EXPERIMENT --shard I/N', e.g. one\n"
      "task of a scheduler's job array each) into one run of the --into store, as if one\n"
      "process had run the whole sweep: the same summary, exports and report. Each STORE holds\n"
      "one or more parts (the parts may also share one store). Every part of the sweep must be\n"
      "there, once, run from the same experiment file and settings by the same harness binary\n"
      "and plugins; else nothing is merged. The merged run is complete when every part was;\n"
      "'harness run --resume' finishes one that is not (exit code 1 until then).\n\nOptions");
  options.add_options()("help,h", "show this help")(
      "into", po::value<std::string>()->value_name("STORE"),
      "the results database the merged run goes to (created if need be; may be one of the "
      "parts' stores)")("out", po::value<std::string>()->value_name("DIR"),
                        "write the merged run's folder here (default "
                        "results/<experiment>/<run-id>)")(
      "run-id", po::value<std::string>()->value_name("ID"),
      "the merged run's id (default: the UTC time and the process id)")(
      "no-report", "leave out report.html and report.md (harness report writes them later)")(
      "stores", po::value<std::vector<std::string>>()->value_name("STORE"),
      "the stores holding the parts");
  po::positional_options_description positional;
  positional.add("stores", -1);
  const auto parsed = parse_arguments(args, options, positional);
  if (!parsed) return kExitOk;
  const po::variables_map& values = *parsed;
  if (!values.count("stores")) {
    throw UsageError{"merge: which stores? e.g. harness merge part-*.sqlite --into all.sqlite"};
  }
  if (!values.count("into")) {
    throw UsageError{"merge: where to? give the store the merged run goes to with --into STORE"};
  }
  const std::vector<std::filesystem::path> stores(
      values["stores"].as<std::vector<std::string>>().begin(),
      values["stores"].as<std::vector<std::string>>().end());
  const std::filesystem::path into_path = values["into"].as<std::string>();
  RunRecord run;
  try {
    run = merge_shards(stores, into_path,
                       values.count("run-id") ? values["run-id"].as<std::string>() : make_run_id());
  } catch (const std::runtime_error& error) {
    throw UsageError{fmt::format("merge: {}; nothing was merged", error.what())};
  }
  const std::filesystem::path folder =
      values.count("out") ? std::filesystem::path(values["out"].as<std::string>())
                          : std::filesystem::path("results") / run.experiment / run.run_id;
  export_run(run, folder, into_path);
  std::string report;
  if (!values.count("no-report")) report = write_report(run, folder).html.string();
  fmt::print("\n{}\n", summary_markdown(summarize(run), {}));
  fmt::print(stderr, "run {} {}: {} of {} trials merged from {} store{}; results in {} and {}\n",
             run.run_id, run.status, run.trials.size(), run.trials_planned, stores.size(),
             stores.size() == 1 ? "" : "s", folder.string(), into_path.string());
  if (!report.empty()) fmt::print(stderr, "report: {}\n", report);
  return run.status == "complete" ? kExitOk : kExitFailure;
}

}  // namespace harness::cli
