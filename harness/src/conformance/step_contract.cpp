#include "conformance/step_contract.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <random>

#include "conformance/check_result.hpp"
#include "conformance/guarded_matrix.hpp"
#include "parameters.hpp"
#include "process/child_process.hpp"

namespace harness::conformance {

namespace {

template <class Scalar>
std::vector<std::string> step_errors(const Cell& cell, const Backend& backend, int X, int H,
                                     int rows) {
  const CellSpec spec = resolved_spec(cell, {.input = X, .hidden = H});
  const ParameterLayout layout(spec, X, H);
  const int GH = spec.gates * H;
  const int P = spec.state_width, C = spec.cell_state_width;
  const Scalar nan = std::numeric_limits<Scalar>::quiet_NaN();
  std::mt19937 rng(17);

  std::vector<GuardedMatrix<Scalar>> parameters, d_extra;
  for (const auto& e : layout.entries()) {
    parameters.emplace_back(e.name, e.rows, e.cols);
    parameters.back().fill_random(rng);
  }
  for (std::size_t i = layout.first_extra_index(); i < layout.entries().size(); ++i) {
    const auto& e = layout.entries()[i];
    d_extra.emplace_back("d" + e.name, e.rows, e.cols);
    d_extra.back().fill_random(rng);
  }
  GuardedMatrix<Scalar> gates("gates", rows, GH), h_prev("h_prev", rows, P),
      c_prev("c_prev", rows, C), h("h", rows, P), c("c", rows, C),
      workspace("workspace", rows, spec.workspace_width),
      scratch("scratch", rows, spec.scratch_width), dh("dh", rows, P), dc("dc", rows, C),
      d_gates_x("d_gates_x", rows, GH), d_gates_h("d_gates_h", rows, GH),
      dh_prev("dh_prev", rows, P), dc_prev("dc_prev", rows, C);
  for (auto* m : {&gates, &h_prev, &c_prev, &dh, &dc, &dh_prev, &dc_prev}) m->fill_random(rng);
  // Outputs start as NaN: any element the cell does not write stays NaN.
  for (auto* m : {&h, &c, &d_gates_x, &d_gates_h}) m->fill(nan);

  std::vector<ConstMatrixView<Scalar>> parameter_views;
  for (auto& p : parameters) parameter_views.push_back(p.view());
  std::vector<MatrixView<Scalar>> d_extra_views;
  for (auto& d : d_extra) d_extra_views.push_back(d.view());
  auto state = [&](GuardedMatrix<Scalar>& m) { return C > 0 ? m.view() : MatrixView<Scalar>(); };

  const std::string where = fmt::format("X={} H={}, {} row{}, {}", X, H, rows, rows == 1 ? "" : "s",
                                        sizeof(Scalar) == sizeof(float) ? "float" : "double");
  std::vector<std::string> errors;
  auto expect_written = [&](const char* pass, GuardedMatrix<Scalar>& m) {
    if (auto element = m.first_non_finite(); !element.empty()) {
      errors.push_back(
          fmt::format("{} at {}: {} was not written (or is not finite)", pass, where, element));
    }
  };
  auto expect_inside = [&](const char* pass, std::initializer_list<GuardedMatrix<Scalar>*> all) {
    for (auto* m : all) {
      if (auto outside = m->first_write_outside(); !outside.empty()) {
        errors.push_back(fmt::format("{} at {}: wrote outside {}", pass, where, outside));
      }
    }
  };

  const CellWeights<Scalar> weights =
      layout.cell_weights(std::span<const ConstMatrixView<Scalar>>(parameter_views));
  process::note_activity("the forward step at " + where);
  cell.forward(ForwardStep<Scalar>{backend, weights, gates.view(), h_prev.view(), state(c_prev),
                                   h.view(), state(c), workspace.view(), scratch.view()});
  expect_written("forward", h);
  if (C > 0) expect_written("forward", c);
  expect_inside("forward", {&gates, &h_prev, &c_prev, &h, &c, &workspace, &scratch});
  for (auto& p : parameters) expect_inside("forward", {&p});

  const MatrixView<Scalar> recurrent_gradient =
      spec.separate_recurrent_gradient ? d_gates_h.view() : d_gates_x.view();
  process::note_activity("the backward step at " + where);
  cell.backward(BackwardStep<Scalar>{backend, weights, h_prev.view(), state(c_prev), h.view(),
                                     state(c), workspace.view(), dh.view(), state(dc),
                                     d_gates_x.view(), recurrent_gradient, dh_prev.view(),
                                     state(dc_prev), d_extra_views, scratch.view()});
  expect_written("backward", d_gates_x);
  if (spec.separate_recurrent_gradient) expect_written("backward", d_gates_h);
  expect_written("backward", dh_prev);
  if (C > 0) expect_written("backward", dc_prev);
  for (auto& d : d_extra) expect_written("backward", d);
  expect_inside("backward", {&h_prev, &c_prev, &h, &c, &workspace, &scratch, &dh, &dc, &d_gates_x,
                             &d_gates_h, &dh_prev, &dc_prev});
  for (auto& d : d_extra) expect_inside("backward", {&d});
  return errors;
}

}  // namespace

std::vector<std::string> spec_errors(const Cell& cell, int input_size, int hidden_size) {
  const CellSpec spec = cell.spec({.input = input_size, .hidden = hidden_size});
  const int state_width = spec.state_width == 0 ? hidden_size : spec.state_width;
  const std::string at = fmt::format("spec(X={}, H={})", input_size, hidden_size);
  std::vector<std::string> errors;
  if (spec.gates < 1) {
    errors.push_back(fmt::format("{}: gates is {}; a cell has at least one gate", at, spec.gates));
  }
  if (static_cast<int>(spec.gate_names.size()) != spec.gates) {
    errors.push_back(
        fmt::format("{}: {} gate names for {} gates", at, spec.gate_names.size(), spec.gates));
  }
  if (spec.workspace_width < 0 || spec.scratch_width < 0) {
    errors.push_back(fmt::format("{}: negative workspace or scratch width", at));
  }
  if (spec.state_width < 0 || spec.cell_state_width < 0) {
    errors.push_back(fmt::format("{}: negative state_width or cell_state_width", at));
  }
  int next_gate = 0;
  for (const auto& block : spec.recurrent_blocks) {
    if (block.first_gate != next_gate || block.gate_count < 1) {
      errors.push_back(fmt::format(
          "{}: recurrent block starting at gate {} with {} gates; blocks must cover the gates in "
          "order, the next one starting at gate {}",
          at, block.first_gate, block.gate_count, next_gate));
    }
    if (block.input == RecurrentBlock::Input::Workspace &&
        (block.workspace_column < 0 ||
         block.workspace_column + state_width > spec.workspace_width)) {
      errors.push_back(fmt::format(
          "{}: recurrent block at gate {} reads workspace columns [{}, {}), outside the "
          "workspace width {}",
          at, block.first_gate, block.workspace_column, block.workspace_column + state_width,
          spec.workspace_width));
    }
    next_gate = block.first_gate + block.gate_count;
  }
  // No blocks at all is a cell without W_h.
  if (!spec.recurrent_blocks.empty() && next_gate != spec.gates) {
    errors.push_back(
        fmt::format("{}: recurrent blocks cover {} of the {} gates", at, next_gate, spec.gates));
  }
  for (const auto& p : spec.extra_parameters) {
    if (p.rows < 1 || p.cols < 1 || p.name.empty()) {
      errors.push_back(
          fmt::format("{}: extra parameter '{}' is {}×{}; it needs a name and a "
                      "positive size",
                      at, p.name, p.rows, p.cols));
    }
  }
  return errors;
}

std::vector<std::string> step_contract_errors(const Cell& cell, const Backend& backend,
                                              int input_size, int hidden_size, int rows) {
  auto errors = step_errors<double>(cell, backend, input_size, hidden_size, rows);
  append(errors, step_errors<float>(cell, backend, input_size, hidden_size, rows));
  return errors;
}

}  // namespace harness::conformance
