// Each cell's forward on a tiny case (X = 2, H = 2, B = 2, T = 2) against the cell's equations
// written out unit by unit, so that a transposed weight, a swapped gate or a (t, b) indexing
// mistake shows: every width is 2, so a transposed W_x still fits and only the values tell.
#include <gtest/gtest.h>

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
    return at(kRecurrentWeights, row, 0) * v[0] + at(kRecurrentWeights, row, 1) * v[1];
  }
  // W_x x + b for unit j of `gate`.
  double input(int gate, int j, const Vec2& x) const {
    const int row = gate * 2 + j;
    return at(kInputWeights, row, 0) * x[0] + at(kInputWeights, row, 1) * x[1] + at(kBias, 0, row);
  }
  double affine(int gate, int j, const Vec2& x, const Vec2& h) const {
    return input(gate, j, x) + recurrent(gate, j, h);
  }
  double extra(int row, int j) const { return at(kFirstExtra, row, j); }
};

struct State {
  Vec2 h, c;
};
using Step = std::function<State(const Tiny&, const Vec2& x, const State&)>;

State rnn(const Tiny& p, const Vec2& x, const State& s, double (*phi)(double)) {
  return {{phi(p.affine(0, 0, x, s.h)), phi(p.affine(0, 1, x, s.h))}, {}};
}

// Gates i f g o (peephole: p rows i f o; cifg: gates i g o with f = 1 − i).
State lstm(const Tiny& p, const Vec2& x, const State& s, bool peephole, bool coupled) {
  State next;
  for (int j = 0; j < 2; ++j) {
    const int gate_g = coupled ? 1 : 2, gate_o = coupled ? 2 : 3;
    const double peep_i = peephole ? p.extra(0, j) * s.c[j] : 0;
    const double peep_f = peephole ? p.extra(1, j) * s.c[j] : 0;
    const double i = sigmoid(p.affine(0, j, x, s.h) + peep_i);
    const double f = coupled ? 1 - i : sigmoid(p.affine(1, j, x, s.h) + peep_f);
    const double g = std::tanh(p.affine(gate_g, j, x, s.h));
    next.c[j] = f * s.c[j] + i * g;
    const double o =
        sigmoid(p.affine(gate_o, j, x, s.h) + (peephole ? p.extra(2, j) * next.c[j] : 0));
    next.h[j] = o * std::tanh(next.c[j]);
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

const std::map<std::string, Step>& by_hand() {
  static const std::map<std::string, Step> steps{
      {"rnn_tanh", [](auto& p, const Vec2& x,
                      auto& s) { return rnn(p, x, s, [](double a) { return std::tanh(a); }); }},
      {"rnn_relu", [](auto& p, const Vec2& x,
                      auto& s) { return rnn(p, x, s, [](double a) { return std::max(a, 0.0); }); }},
      {"lstm", [](auto& p, const Vec2& x, auto& s) { return lstm(p, x, s, false, false); }},
      {"lstm_peephole", [](auto& p, const Vec2& x, auto& s) { return lstm(p, x, s, true, false); }},
      {"lstm_cifg", [](auto& p, const Vec2& x, auto& s) { return lstm(p, x, s, false, true); }},
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
  Layer<double> layer(*cell, *backend, 2, 2);
  const Tiny p(layer.spec());

  // x[t][b] and the initial states of batch rows b = 0, 1, all different.
  const Vec2 xs[2][2]{{{0.5, -0.3}, {0.2, 0.7}}, {{-1.0, 0.4}, {0.9, -0.6}}};
  State expected[2]{{{0.1, -0.2}, {0.3, -0.4}}, {{-0.5, 0.25}, {0.15, 0.6}}};
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
                {c0.data(), 2, 2});

  const bool has_c = layer.spec().has_cell_state;
  for (int t = 0; t < 2; ++t) {
    for (int b = 0; b < 2; ++b) {
      expected[b] = by_hand().at(name)(p, xs[t][b], expected[b]);
      for (int j = 0; j < 2; ++j) {
        EXPECT_NEAR(layer.outputs()(t * 2 + b, j), expected[b].h[j], 1e-12)
            << name << ": h<" << t + 1 << ">[" << j << "] of batch row " << b;
        if (has_c && t == 1) {
          EXPECT_NEAR(layer.final_cell()(b, j), expected[b].c[j], 1e-12)
              << name << ": c<2>[" << j << "] of batch row " << b;
        }
      }
    }
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
