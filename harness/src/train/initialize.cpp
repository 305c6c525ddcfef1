#include "train/initialize.hpp"

#include <cmath>

namespace harness {

namespace {

void fill_uniform(float* data, std::size_t size, double limit, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-limit, limit);
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<float>(u(rng));
}

// A rows × cols matrix with orthonormal rows (rows ≤ cols) or orthonormal columns: Gram-Schmidt
// on a Gaussian one. Square blocks are orthogonal; the (H × P) blocks of a projecting cell's W_h
// are as close to it as their shape allows.
void fill_orthogonal(float* data, int rows, int cols, std::mt19937_64& rng) {
  const bool by_rows = rows <= cols;
  const int count = by_rows ? rows : cols, length = by_rows ? cols : rows;
  std::normal_distribution<double> gauss;
  std::vector<double> q(static_cast<std::size_t>(count) * length);
  for (auto& v : q) v = gauss(rng);
  for (int i = 0; i < count; ++i) {
    double* vector = &q[static_cast<std::size_t>(i) * length];
    for (int k = 0; k < i; ++k) {
      const double* done = &q[static_cast<std::size_t>(k) * length];
      double dot = 0;
      for (int j = 0; j < length; ++j) dot += vector[j] * done[j];
      for (int j = 0; j < length; ++j) vector[j] -= dot * done[j];
    }
    double norm = 0;
    for (int j = 0; j < length; ++j) norm += vector[j] * vector[j];
    norm = std::sqrt(norm);
    for (int j = 0; j < length; ++j) {
      vector[j] /= norm;  // later vectors project onto this unit vector
      data[by_rows ? i * cols + j : j * cols + i] = static_cast<float>(vector[j]);
    }
  }
}

}  // namespace

void initialize(Model<float>& model, const InitSpec& init, int steps, std::mt19937_64& rng) {
  auto weights = model.weights();
  std::fill(weights.begin(), weights.end(), 0.0f);
  const int H = model.shape().hidden;
  const CellSpec& cell = model.cell_spec();
  auto input_like = [&](float* data, std::size_t size, int fan_in, int fan_out) {
    const double limit =
        init.weights == WeightInit::Glorot ? std::sqrt(6.0 / (fan_in + fan_out)) : init.scale;
    fill_uniform(data, size, limit, rng);
  };
  auto bias_like = [&](float* data) {
    for (std::size_t g = 0; g < cell.gate_names.size(); ++g) {
      if (cell.gate_names[g] == "f") std::fill_n(data + g * H, H, float(init.forget_bias));
    }
  };
  auto diagonal = [&](float* data, std::size_t size) {
    if (init.diagonal == DiagonalInit::One) {
      std::fill_n(data, size, 1.0f);
      return;
    }
    const double high = init.diagonal == DiagonalInit::Bounded ? std::pow(2.0, 1.0 / steps) : 1.0;
    std::uniform_real_distribution<double> u(0.0, high);
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<float>(u(rng));
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
        // (H × P) per gate
        for (int gate = 0; gate < p.rows / H; ++gate) {
          float* block = data + static_cast<std::size_t>(gate) * H * p.cols;
          switch (init.recurrent) {
            case RecurrentInit::Orthogonal:
              fill_orthogonal(block, H, p.cols, rng);
              break;
            case RecurrentInit::Identity:
              for (int j = 0; j < std::min(H, p.cols); ++j) block[j * p.cols + j] = 1.0f;
              break;
            case RecurrentInit::Same:
              input_like(block, static_cast<std::size_t>(H) * p.cols, p.cols, H);
              break;
          }
        }
        break;
      case ParameterRole::Bias:
        bias_like(data);
        break;
      case ParameterRole::Extra:
        switch (p.init) {
          case ParameterSpec::Init::Zeros:
            break;
          case ParameterSpec::Init::Ones:
            std::fill_n(data, p.size(), 1.0f);
            break;
          case ParameterSpec::Init::Diagonal:
            diagonal(data, p.size());
            break;
          case ParameterSpec::Init::Input:
            input_like(data, p.size(), p.cols, p.rows);
            break;
          case ParameterSpec::Init::Bias:
            bias_like(data);
            break;
        }
        break;
      case ParameterRole::InitialState:
      case ParameterRole::HeadBias:
        break;  // zero
    }
  }
}

}  // namespace harness
