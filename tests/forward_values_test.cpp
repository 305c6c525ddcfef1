// Each cell's forward on a tiny case (X = 2, H = 2, B = 2, T = 2) against the cell's equations
// written out unit by unit, so that a transposed weight, a swapped gate or a (t, b) indexing
// mistake shows: every width is 2, so a transposed W_x still fits and only the values tell.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <map>

#include "layer.hpp"
#include "parameters.hpp"

#include "support/plugins.hpp"

namespace harness::test {
namespace {

using Vec2 = std::array<double, 2>;
double sigmoid(double a) {
  return 1 / (1 + std::exp(-a));
}

// The tiny layer's parameters: element k of the arena is 0.1·((k mod 7) − 3).
struct Tiny {
  ParameterLayout layout;
  std::vector<double> arena;

  explicit Tiny(const CellSpec& spec) : layout(spec, 2, 2), arena(layout.size()) {
    for (std::size_t k = 0; k < arena.size(); ++k) arena[k] = 0.1 * (double(k % 7) - 3);
  }
  double at(int parameter, int row, int col) const {
    const auto& e = layout.entries()[parameter];
    return arena[e.offset + row * e.cols + col];
  }
  // Row `gate`·H + j of W_h times v.
  double recurrent(int gate, int j, const Vec2& v) const {
    const int row = gate * 2 + j;
    return at(1, row, 0) * v[0] + at(1, row, 1) * v[1];
  }
  // W_x x + b for unit j of `gate`.
  double input(int gate, int j, const Vec2& x) const {
    const int row = gate * 2 + j;
    return at(0, row, 0) * x[0] + at(0, row, 1) * x[1] + at(layout.bias_index(), 0, row);
  }
  double affine(int gate, int j, const Vec2& x, const Vec2& h) const {
    return input(gate, j, x) + recurrent(gate, j, h);
  }
  // Element (row, j) of the cell's k-th extra parameter.
  double extra(int row, int j, int k = 0) const {
    return at(layout.first_extra_index() + k, row, j);
  }
};

// c holds the cell state's C values (for FGR: c, then the σ gates' activations).
struct State {
  Vec2 h;
  std::vector<double> c;
};
using Step = std::function<State(const Tiny&, const Vec2& x, const State&)>;

State rnn(const Tiny& p, const Vec2& x, const State& s, double (*phi)(double)) {
  return {{phi(p.affine(0, 0, x, s.h)), phi(p.affine(0, 1, x, s.h))}, {}};
}

// The parts of the full LSTM a form keeps (Greff et al.'s variants drop one each).
struct Form {
  bool input_gate = true, forget_gate = true, output_gate = true;
  bool input_activation = true, output_activation = true;
  bool peepholes = false, coupled = false, full_gate_recurrence = false, projection = false;
};

// Gates i f g o without the ones a form drops; peepholes p (one row per σ gate), then R (FGR,
// over the σ gates' activations at t−1), then W_p (projection), as extra parameters.
State lstm(const Tiny& p, const Vec2& x, const State& s, const Form& form) {
  int next_gate = 0;
  const int gi = form.input_gate ? next_gate++ : -1;
  const int gf = form.forget_gate && !form.coupled ? next_gate++ : -1;
  const int gg = next_gate++;
  const int go = form.output_gate ? next_gate++ : -1;
  std::vector<int> sigmoid_gates;
  for (int gate : {gi, gf, go}) {
    if (gate >= 0) sigmoid_gates.push_back(gate);
  }
  auto row_of = [&](int gate) {
    return int(std::find(sigmoid_gates.begin(), sigmoid_gates.end(), gate) - sigmoid_gates.begin());
  };
  const int r_index = form.peepholes ? 1 : 0;
  const int projection_index = r_index + (form.full_gate_recurrence ? 1 : 0);
  // a_k for unit j, with the full gate recurrence's R_k·q⟨t−1⟩
  auto pre = [&](int gate, int j) {
    double a = p.affine(gate, j, x, s.h);
    if (form.full_gate_recurrence) {
      for (std::size_t m = 0; m < 2 * sigmoid_gates.size(); ++m) {
        a += p.extra(row_of(gate) * 2 + j, int(m), r_index) * s.c[2 + m];
      }
    }
    return a;
  };
  auto peep = [&](int gate, int j, double c) {
    return form.peepholes && gate >= 0 ? p.extra(row_of(gate), j) * c : 0.0;
  };
  State next{{}, std::vector<double>(s.c.size())};
  Vec2 m;
  std::vector<double> activations(2 * sigmoid_gates.size());
  for (int j = 0; j < 2; ++j) {
    const double i = gi >= 0 ? sigmoid(pre(gi, j) + peep(gi, j, s.c[j])) : 1;
    const double f = form.coupled ? 1 - i : gf >= 0 ? sigmoid(pre(gf, j) + peep(gf, j, s.c[j])) : 1;
    const double a_g = p.affine(gg, j, x, s.h);
    const double g = form.input_activation ? std::tanh(a_g) : a_g;
    const double c = f * s.c[j] + i * g;
    const double o = go >= 0 ? sigmoid(pre(go, j) + peep(go, j, c)) : 1;
    next.c[j] = c;
    m[j] = o * (form.output_activation ? std::tanh(c) : c);
    for (int gate : sigmoid_gates)
      activations[row_of(gate) * 2 + j] = gate == gi ? i : gate == gf ? f : o;
  }
  if (form.full_gate_recurrence)
    std::copy(activations.begin(), activations.end(), next.c.begin() + 2);
  for (int k = 0; k < 2; ++k) {
    next.h[k] = form.projection ? p.extra(k, 0, projection_index) * m[0] +
                                      p.extra(k, 1, projection_index) * m[1]
                                : m[k];
  }
  return next;
}

// Layer normalisation over the two units of a gate, as layer_norm.hpp writes it.
Vec2 normalised(const Vec2& a) {
  const double mean = (a[0] + a[1]) / 2;
  const double variance = ((a[0] - mean) * (a[0] - mean) + (a[1] - mean) * (a[1] - mean)) / 2;
  const double rho = 1 / std::sqrt(variance + 1e-5);
  return {(a[0] - mean) * rho, (a[1] - mean) * rho};
}

// ã_k = γ_k·LN(a_k) + β_k for gates i f g o; h = o·tanh(γ_c·LN(c) + β_c).
State lstm_ln(const Tiny& p, const Vec2& x, const State& s) {
  double act[4][2];
  for (int gate = 0; gate < 4; ++gate) {
    const Vec2 a_hat = normalised({p.affine(gate, 0, x, s.h), p.affine(gate, 1, x, s.h)});
    for (int j = 0; j < 2; ++j) {
      const double pre = p.extra(0, gate * 2 + j, 0) * a_hat[j] + p.extra(0, gate * 2 + j, 1);
      act[gate][j] = gate == 2 ? std::tanh(pre) : sigmoid(pre);
    }
  }
  State next{{}, {0, 0}};
  for (int j = 0; j < 2; ++j) next.c[j] = act[1][j] * s.c[j] + act[0][j] * act[2][j];
  const Vec2 c_hat = normalised({next.c[0], next.c[1]});
  for (int j = 0; j < 2; ++j) {
    next.h[j] = act[3][j] * std::tanh(p.extra(0, j, 2) * c_hat[j] + p.extra(0, j, 3));
  }
  return next;
}

// Gates z r n; h = z·n + (1 − z)·h_prev.
State gru(const Tiny& p, const Vec2& x, const State& s) {
  const Vec2 r{sigmoid(p.affine(1, 0, x, s.h)), sigmoid(p.affine(1, 1, x, s.h))};
  const Vec2 reset_h{r[0] * s.h[0], r[1] * s.h[1]};
  State next;
  for (int j = 0; j < 2; ++j) {
    const double z = sigmoid(p.affine(0, j, x, s.h));
    const double n = std::tanh(p.input(2, j, x) + p.recurrent(2, j, reset_h));
    next.h[j] = z * n + (1 - z) * s.h[j];
  }
  return next;
}

State gru_simple(const Tiny& p, const Vec2& x, const State& s) {
  State next;
  for (int j = 0; j < 2; ++j) {
    const double z = sigmoid(p.affine(0, j, x, s.h));
    const double n = std::tanh(p.affine(1, j, x, s.h));
    next.h[j] = z * n + (1 - z) * s.h[j];
  }
  return next;
}

// n = tanh(W_x,n x + b_n + r·(W_h,n h + b_hn))
State gru_lbr(const Tiny& p, const Vec2& x, const State& s) {
  State next;
  for (int j = 0; j < 2; ++j) {
    const double z = sigmoid(p.affine(0, j, x, s.h));
    const double r = sigmoid(p.affine(1, j, x, s.h));
    const double n = std::tanh(p.input(2, j, x) + r * (p.recurrent(2, j, s.h) + p.extra(0, j)));
    next.h[j] = z * n + (1 - z) * s.h[j];
  }
  return next;
}

// No W_h: z = σ(W_x,z x + b_z), h̃ = W_x,n x + b_n; h = (1 − z)·h_prev + z·h̃.
State mingru(const Tiny& p, const Vec2& x, const State& s) {
  State next;
  for (int j = 0; j < 2; ++j) {
    const double z = sigmoid(p.input(0, j, x));
    next.h[j] = (1 - z) * s.h[j] + z * p.input(1, j, x);
  }
  return next;
}

// No W_h: gates f i n; h = (f·h_prev + i·h̃) / (f + i).
State minlstm(const Tiny& p, const Vec2& x, const State& s) {
  State next;
  for (int j = 0; j < 2; ++j) {
    const double f = sigmoid(p.input(0, j, x)), i = sigmoid(p.input(1, j, x));
    next.h[j] = (f * s.h[j] + i * p.input(2, j, x)) / (f + i);
  }
  return next;
}

// h = max(0, W_x x + b + u·h_prev), u the one extra parameter.
State indrnn(const Tiny& p, const Vec2& x, const State& s) {
  State next;
  for (int j = 0; j < 2; ++j) next.h[j] = std::max(0.0, p.input(0, j, x) + p.extra(0, j) * s.h[j]);
  return next;
}

Step lstm_form(Form form) {
  return [form](const Tiny& p, const Vec2& x, const State& s) { return lstm(p, x, s, form); };
}

const std::map<std::string, Step>& by_hand() {
  static const std::map<std::string, Step> steps{
      {"rnn_tanh", [](auto& p, const Vec2& x,
                      auto& s) { return rnn(p, x, s, [](double a) { return std::tanh(a); }); }},
      {"rnn_relu", [](auto& p, const Vec2& x,
                      auto& s) { return rnn(p, x, s, [](double a) { return std::max(a, 0.0); }); }},
      {"lstm", lstm_form({})},
      {"lstm_np", lstm_form({})},
      {"lstm_peephole", lstm_form({.peepholes = true})},
      {"lstm_cifg", lstm_form({.coupled = true})},
      {"lstm_nig", lstm_form({.input_gate = false, .peepholes = true})},
      {"lstm_nfg", lstm_form({.forget_gate = false, .peepholes = true})},
      {"lstm_nog", lstm_form({.output_gate = false, .peepholes = true})},
      {"lstm_niaf", lstm_form({.input_activation = false, .peepholes = true})},
      {"lstm_noaf", lstm_form({.output_activation = false, .peepholes = true})},
      {"lstm_fgr", lstm_form({.peepholes = true, .full_gate_recurrence = true})},
      {"lstmp", lstm_form({.projection = true})},
      {"lstm_ln", lstm_ln},
      {"mingru", mingru},
      {"minlstm", minlstm},
      {"indrnn", indrnn},
      {"gru", gru},
      {"gru_simple", gru_simple},
      {"gru_lbr", gru_lbr},
  };
  return steps;
}

class ForwardValuesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ForwardValuesTest, MatchesEquationsWorkedByHand) {
  const std::string& name = GetParam();
  const auto cell = builtin_plugins().make_cell(name);
  const auto backend = builtin_plugins().make_backend("naive", {});
  // A projecting cell projects to P = 2 here, so that every state is a Vec2.
  Layer<double> layer(*cell, *backend,
                      {.input = 2, .hidden = 2, .projection = name == "lstmp" ? 2 : 0});
  const Tiny p(layer.spec());

  // x[t][b] and the initial states of batch rows b = 0, 1, all different; a cell state wider
  // than 2 (FGR's gates at t−1) continues with values in (0, 1).
  const Vec2 xs[2][2]{{{0.5, -0.3}, {0.2, 0.7}}, {{-1.0, 0.4}, {0.9, -0.6}}};
  const int C = layer.cell_state_size();
  State expected[2]{{{0.1, -0.2}, {0.3, -0.4}}, {{-0.5, 0.25}, {0.15, 0.6}}};
  for (auto& s : expected) {
    s.c.resize(C);
    for (int k = 2; k < C; ++k) s.c[k] = 0.1 + 0.07 * k + 0.2 * s.h[0];
  }
  std::vector<double> x_data, h0, c0;
  for (int t = 0; t < 2; ++t) {
    for (int b = 0; b < 2; ++b) x_data.insert(x_data.end(), xs[t][b].begin(), xs[t][b].end());
  }
  for (const auto& s : expected) {
    h0.insert(h0.end(), s.h.begin(), s.h.end());
    c0.insert(c0.end(), s.c.begin(), s.c.end());
  }
  const auto views = p.layout.views(std::span<const double>(p.arena));
  const std::vector<ConstMatrixView<double>> parameters(views.begin(), views.end());
  layer.forward(parameters, ConstMatrixView<double>(x_data.data(), 4, 2), 2, {h0.data(), 2, 2},
                {c0.data(), 2, C});

  for (int t = 0; t < 2; ++t) {
    for (int b = 0; b < 2; ++b) {
      expected[b] = by_hand().at(name)(p, xs[t][b], expected[b]);
      for (int j = 0; j < 2; ++j) {
        EXPECT_NEAR(layer.outputs()(t * 2 + b, j), expected[b].h[j], 1e-12)
            << name << ": h<" << t + 1 << ">[" << j << "] of batch row " << b;
      }
      for (int j = 0; j < C && t == 1; ++j) {
        EXPECT_NEAR(layer.final_cell()(b, j), expected[b].c[j], 1e-12)
            << name << ": c<2>[" << j << "] of batch row " << b;
      }
    }
  }
}

// Saturated gates stay finite in float: pre-activations of ±400 and a carried cell state of ±5000
// (what peepholes on a long-carried c produce) give finite states and gradients. The cells are
// built with -ffast-math, under which an exp overflowing inside σ came out NaN.
TEST_P(ForwardValuesTest, SaturatedGatesStayFinite) {
  const std::string& name = GetParam();
  const auto cell = builtin_plugins().make_cell(name);
  const auto backend = builtin_plugins().make_backend("blas", {});
  Layer<float> layer(*cell, *backend, 4, 8);
  std::vector<float> arena(layer.layout().size()), gradient_arena(arena.size());
  for (std::size_t k = 0; k < arena.size(); ++k) arena[k] = k % 3 == 0 ? 0.9f : -0.7f;
  const int B = 3, T = 4, P = layer.output_size(), C = layer.cell_state_size();
  std::vector<float> x(T * B * 4), h0(B * P, 0.5f), c0(B * C), dy(T * B * P, 1.0f), dh(B * P, 0.0f),
      dc(B * C, 0.0f), dx(T * B * 4);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = i % 2 ? 400.0f : -400.0f;
  for (std::size_t i = 0; i < c0.size(); ++i) c0[i] = i % 2 ? 5000.0f : -5000.0f;
  const auto views = layer.layout().views(std::span<const float>(arena));
  const std::vector<ConstMatrixView<float>> parameters(views.begin(), views.end());
  layer.forward(parameters, ConstMatrixView<float>(x.data(), T * B, 4), T, {h0.data(), B, P},
                {c0.data(), B, C});
  const auto gradients = layer.layout().views(std::span<float>(gradient_arena));
  layer.backward(parameters, gradients, ConstMatrixView<float>(x.data(), T * B, 4),
                 {dy.data(), T * B, P}, {dh.data(), B, P}, {dc.data(), B, C},
                 {dx.data(), T * B, 4});
  const auto outputs = layer.outputs();
  for (int r = 0; r < outputs.rows; ++r) {
    for (int j = 0; j < outputs.cols; ++j) {
      ASSERT_TRUE(std::isfinite(outputs(r, j))) << name << ": h row " << r << " unit " << j;
    }
  }
  for (std::size_t k = 0; k < gradient_arena.size(); ++k) {
    ASSERT_TRUE(std::isfinite(gradient_arena[k])) << name << ": gradient element " << k;
  }
}

// Every cell a built-in plugin provides has its equations here.
TEST(ForwardValues, EveryBuiltInCellHasItsEquationsWrittenOut) {
  for (const auto& name : all_cell_names()) {
    EXPECT_TRUE(by_hand().contains(name)) << name << ": write its forward out in by_hand()";
  }
}

INSTANTIATE_TEST_SUITE_P(AllCells, ForwardValuesTest, ::testing::ValuesIn(all_cell_names()),
                         cell_test_name);

}  // namespace
}  // namespace harness::test
