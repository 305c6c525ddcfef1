// harness report: a run's report (report/report.hpp) from its records in the store.
#include <fmt/format.h>
#include <fmt/std.h>

#include <boost/program_options.hpp>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/run_location.hpp"
#include "report/report.hpp"

namespace harness::cli {

namespace po = boost::program_options;

int report_command(const std::vector<std::string>& args) {
  po::options_description options(
      "Usage: harness report RUN_DIR|RUN_ID [options]\n\n"
      "Writes a run's report from the results store: report.html (one self-contained page with\n"
      "the plots, the summary tables, the environment and the experiment) and report.md with\n"
      "PNG plots in plots/. The plots, per task and T: loss against step with the chance loss,\n"
      "the gradient reaching each step of the sequence at initialisation and after training,\n"
      "the gradient norm before clipping; bits per character against the n-gram baselines for\n"
      "language models; throughput by cell and backend. gnuplot draws them (Debian:\n"
      "gnuplot-nox); without it the report holds the tables only. 'harness run' writes the\n"
      "report at its end unless given --no-report.\n\nOptions");
  options.add_options()("help,h", "show this help")(
      "out", po::value<std::string>()->value_name("DIR"),
      "write the report here (default: the run's folder)")(
      "run", po::value<std::string>()->value_name("RUN_DIR|RUN_ID"), "the run");
  options.add(store_option());
  po::positional_options_description positional;
  positional.add("run", 1);
  const auto parsed = parse_arguments(args, options, positional);
  if (!parsed) return kExitOk;
  const po::variables_map& values = *parsed;
  if (!values.count("run")) {
    throw UsageError{"report: which run? e.g. harness report results/long_dep/<run-id>"};
  }
  const LocatedRun located = locate_run(values["run"].as<std::string>(), values);
  const std::filesystem::path folder =
      values.count("out") ? std::filesystem::path(values["out"].as<std::string>()) : located.folder;
  std::filesystem::create_directories(folder);
  const ReportFiles files = write_report(located.run, folder);
  if (!files.missing.empty()) fmt::print(stderr, "harness report: {}\n", files.missing);
  fmt::print("{}\n{}\n", files.html.string(), files.markdown.string());
  fmt::print(stderr, "report of run {}: {} plots\n", located.run.run_id, files.plots);
  return kExitOk;
}

}  // namespace harness::cli
