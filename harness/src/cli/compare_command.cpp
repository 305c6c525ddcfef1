// harness compare: two runs side by side (results/compare.hpp).
#include <fmt/format.h>

#include <boost/program_options.hpp>

#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/run_location.hpp"
#include "results/compare.hpp"

namespace harness::cli {

namespace po = boost::program_options;

int compare_command(const std::vector<std::string>& args) {
  po::options_description options(
      "Usage: harness compare RUN_A RUN_B [options]\n\n"
      "Prints two runs side by side. Each run is its folder or its id in the store. Trials are\n"
      "matched by their spec: every key except the seed and the keys that differ between the\n"
      "runs in every trial (two backends running one experiment, say). Each pair shows\n"
      "held-out loss, solved, steps to solve and training sequences/s of A and of B with the\n"
      "difference (B - A; B / A for speed); trials without a partner are listed below.\n\n"
      "Options");
  options.add_options()("help,h", "show this help")(
      "runs", po::value<std::vector<std::string>>()->value_name("RUN"), "the two runs");
  options.add(store_option());
  po::positional_options_description positional;
  positional.add("runs", 2);
  const auto parsed = parse_arguments(args, options, positional);
  if (!parsed) return kExitOk;
  const po::variables_map& values = *parsed;
  if (values.count("runs") == 0 || values["runs"].as<std::vector<std::string>>().size() != 2) {
    throw UsageError{
        "compare: which two runs? e.g. harness compare results/long_dep/<run-a> "
        "results/long_dep/<run-b>"};
  }
  const auto& names = values["runs"].as<std::vector<std::string>>();
  const LocatedRun a = locate_run(names[0], values), b = locate_run(names[1], values);
  fmt::print("{}", comparison_markdown(compare_runs(a.run, b.run), a.run, b.run));
  return kExitOk;
}

}  // namespace harness::cli
