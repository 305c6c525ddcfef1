#include "experiment/known_names.hpp"

#include <stdexcept>

#include "parameters.hpp"

namespace harness {

KnownNames known_names(const Registry& plugins) {
  KnownNames known;
  for (const auto& c : plugins.cells()) known.cells.push_back(c.name);
  for (const auto& b : plugins.backends()) known.backends.push_back(b.name);
  known.cell_problem = [&plugins](const std::string& cell, int hidden, int proj) {
    try {
      resolved_spec(*plugins.make_cell(cell), {.input = 1, .hidden = hidden, .projection = proj});
      return std::string();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
  };
  return known;
}

}  // namespace harness
