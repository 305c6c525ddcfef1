// What a cell promises about one step, checked by calling it directly (no layer around it):
//   - its CellSpec is consistent: one name per gate, recurrent blocks covering the gates in order,
//     workspace blocks inside the declared workspace width, extra parameters of positive size;
//   - forward writes every element of h⟨t⟩ (and c⟨t⟩), backward every element of d_gates_x (and
//     d_gates_h), and the accumulated gradients stay finite;
//   - neither writes outside the views it is given: every buffer is a view with padding after each
//     row (ld > cols), and the padding must still hold its sentinel afterwards.
#pragma once

#include <harness/backend.hpp>
#include <harness/cell.hpp>
#include <string>
#include <vector>

namespace harness::conformance {

// Problems with cell.spec(input_size, hidden_size) itself; empty when it is consistent.
std::vector<std::string> spec_errors(const Cell& cell, int input_size, int hidden_size);

// One message per broken promise of one forward and one backward step over `rows` batch rows,
// in float and in double, on `backend`.
std::vector<std::string> step_contract_errors(const Cell& cell, const Backend& backend,
                                              int input_size, int hidden_size, int rows);

}  // namespace harness::conformance
