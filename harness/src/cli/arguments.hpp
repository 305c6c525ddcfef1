// Command-line parsing every subcommand shares.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/positional_options.hpp>
#include <boost/program_options/variables_map.hpp>
#include <optional>
#include <string>
#include <vector>

namespace harness::cli {

// Parses a command's arguments (throws boost::program_options::error on a bad one). With --help,
// prints the options and returns nothing: the command then ends with exit code 0.
std::optional<boost::program_options::variables_map> parse_arguments(
    const std::vector<std::string>& args,
    const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& positional = {});

}  // namespace harness::cli
