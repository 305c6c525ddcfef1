#include "train/initialize.hpp"

#include <cmath>

namespace harness {

namespace {

void fill_uniform(float* data, std::size_t size, double limit, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-limit, limit);
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<float>(u(rng));
}

// An n × n orthogonal matrix: Gram-Schmidt on a Gaussian one (rows are orthonormal).
void fill_orthogonal(float* data, int n, int ld, std::mt19937_64& rng) {
  std::normal_distribution<double> gauss;
  std::vector<double> q(static_cast<std::size_t>(n) * n);
  for (auto& v : q) v = gauss(rng);
  for (int i = 0; i < n; ++i) {
    double* row = &q[static_cast<std::size_t>(i) * n];
    for (int k = 0; k < i; ++k) {
      const double* done = &q[static_cast<std::size_t>(k) * n];
      double dot = 0;
      for (int j = 0; j < n; ++j) dot += row[j] * done[j];
      for (int j = 0; j < n; ++j) row[j] -= dot * done[j];
    }
    double norm = 0;
    for (int j = 0; j < n; ++j) norm += row[j] * row[j];
    norm = std::sqrt(norm);
    for (int j = 0; j < n; ++j) {
      row[j] /= norm;  // later rows project onto this unit vector
      data[i * ld + j] = static_cast<float>(row[j]);
    }
  }
}

}  // namespace

void initialize(Model<float>& model, const InitSpec& init, std::mt19937_64& rng) {
  auto weights = model.weights();
  std::fill(weights.begin(), weights.end(), 0.0f);
  const int H = model.shape().hidden;
  const CellSpec& cell = model.cell_spec();
  auto input_like = [&](float* data, std::size_t size, int fan_in, int fan_out) {
    const double limit =
        init.weights == WeightInit::Glorot ? std::sqrt(6.0 / (fan_in + fan_out)) : init.scale;
    fill_uniform(data, size, limit, rng);
  };
  for (const auto& p : model.parameters()) {
    float* data = weights.data() + p.offset;
    switch (p.role) {
      case ParameterRole::InputWeights:
        input_like(data, p.size(), p.cols, H);
        break;
      case ParameterRole::HeadWeights:
        input_like(data, p.size(), p.cols, p.rows);
        break;
      case ParameterRole::RecurrentWeights:
        for (int gate = 0; gate < p.rows / H; ++gate) {
          float* block = data + static_cast<std::size_t>(gate) * H * H;
          switch (init.recurrent) {
            case RecurrentInit::Orthogonal:
              fill_orthogonal(block, H, H, rng);
              break;
            case RecurrentInit::Identity:
              for (int j = 0; j < H; ++j) block[j * H + j] = 1.0f;
              break;
            case RecurrentInit::Same:
              input_like(block, static_cast<std::size_t>(H) * H, H, H);
              break;
          }
        }
        break;
      case ParameterRole::Bias:
        for (std::size_t g = 0; g < cell.gate_names.size(); ++g) {
          if (cell.gate_names[g] == "f") std::fill_n(data + g * H, H, float(init.forget_bias));
        }
        break;
      case ParameterRole::Extra:
      case ParameterRole::HeadBias:
        break;  // zero
    }
  }
}

}  // namespace harness
