#include "cli/arguments.hpp"

#include <boost/program_options/parsers.hpp>
#include <iostream>

namespace harness::cli {

namespace po = boost::program_options;

std::optional<po::variables_map> parse_arguments(
    const std::vector<std::string>& args, const po::options_description& options,
    const po::positional_options_description& positional) {
  po::variables_map values;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), values);
  po::notify(values);
  if (values.count("help")) {
    std::cout << options << "\n";
    return std::nullopt;
  }
  return values;
}

}  // namespace harness::cli
