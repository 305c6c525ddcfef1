// The fast backends against the naive reference: every built-in cell, every output, final state
// and gradient, over the conformance shapes (degenerate ones, widths that are not multiples of any
// vector width, sizes that make the tbb backend split its work); bitwise identical results when
// repeated (the checks `harness check` runs on any pair of a cell and a backend); and, for the
// backends that split work by shape only (tbb, onednn_tbb), bitwise identical results with 1 and
// 2 threads.
#include <gtest/gtest.h>

#include <algorithm>

#include "conformance/layer_checks.hpp"
#include "support/plugins.hpp"

namespace harness::test {
namespace {

struct Case {
  std::string cell;
  std::string backend;
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.cell << " on " << c.backend;
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const auto& cell : all_cell_names()) {
    for (const auto& backend : builtin_plugins().backends()) {
      if (backend.name != "naive") cases.push_back({cell, backend.name});
    }
  }
  return cases;
}

class BackendAgreementTest : public ::testing::TestWithParam<Case> {};

TEST_P(BackendAgreementTest, MatchesNaive) {
  const auto& [cell_name, backend] = GetParam();
  const auto cell = builtin_plugins().make_cell(cell_name);
  const auto naive = builtin_plugins().make_backend("naive", {});
  for (const auto& error :
       conformance::agreement_errors(builtin_plugins(), *cell, backend, *naive)) {
    ADD_FAILURE() << cell_name << " on " << backend << ", " << error;
  }
}

TEST_P(BackendAgreementTest, IsDeterministic) {
  const auto& [cell_name, backend] = GetParam();
  const auto cell = builtin_plugins().make_cell(cell_name);
  for (const auto& error : conformance::determinism_errors(builtin_plugins(), *cell, backend)) {
    ADD_FAILURE() << cell_name << " on " << backend << ", " << error;
  }
}

TEST(SlicedBackends, AreBitwiseIdenticalWithOneAndTwoThreads) {
  for (const char* backend : {"tbb", "onednn_tbb"}) {
    const auto& built = builtin_plugins().backends();
    if (std::none_of(built.begin(), built.end(),
                     [&](const auto& b) { return b.name == backend; })) {
      continue;  // onednn_tbb is built only with oneDNN
    }
    for (const auto& cell_name : all_cell_names()) {
      const auto cell = builtin_plugins().make_cell(cell_name);
      for (const auto& error :
           conformance::thread_count_errors(builtin_plugins(), *cell, backend)) {
        ADD_FAILURE() << cell_name << " on " << backend << ", " << error;
      }
    }
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& param) {
  return param.param.cell + "_" + param.param.backend;
}

INSTANTIATE_TEST_SUITE_P(AllCellsAndBackends, BackendAgreementTest,
                         ::testing::ValuesIn(all_cases()), case_name);

}  // namespace
}  // namespace harness::test
