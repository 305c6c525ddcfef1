// Times oneDNN's RNN primitives on the benchmark sizes (see ../benchmarks/sizes.hpp), for the peer
// comparison: forward (training) and forward + backward of one unidirectional layer in f32.
// Prints one line per case: "<cell> <size> <fwd|fwd+bwd> <median ms> <min ms>"; threads come from
// OMP_NUM_THREADS. With --sgemm-peak it prints instead "sgemm_peak <GFLOP/s>": the median rate of
// dnnl_sgemm on a large square product (2048³), the engine's own peak for the %-of-peak column.
// Built only when oneDNN (libdnnl-dev) is installed; never part of the harness.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <vector>

#include "benchmarks/sizes.hpp"

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;
constexpr auto kDirection = dnnl::rnn_direction::unidirectional_left2right;

struct Dims {
  memory::dim T, N, X, H, G;
};

// Memory of any layout, filled with small values so that no path hits denormals or saturates.
memory filled(const memory::desc& desc, const dnnl::engine& engine) {
  memory m(desc, engine);
  auto* data = static_cast<float*>(m.get_data_handle());
  const std::size_t n = desc.get_size() / sizeof(float);
  for (std::size_t i = 0; i < n; ++i) data[i] = 0.01f * float(int(i % 17) - 8);
  return m;
}

// The memory descriptors shared by every cell kind.
struct Descs {
  memory::desc src_layer, src_iter, src_iter_c, weights_layer, weights_iter, peephole, bias,
      dst_layer, dst_iter, dst_iter_c;
  Descs(const Dims& d, bool lstm, bool peephole_)
      : src_layer({d.T, d.N, d.X}, dt::f32, tag::tnc),
        src_iter({1, 1, d.N, d.H}, dt::f32, tag::ldnc),
        src_iter_c(lstm ? memory::desc({1, 1, d.N, d.H}, dt::f32, tag::ldnc) : memory::desc()),
        weights_layer({1, 1, d.X, d.G, d.H}, dt::f32, tag::any),
        weights_iter({1, 1, d.H, d.G, d.H}, dt::f32, tag::any),
        peephole(peephole_ ? memory::desc({1, 1, 3, d.H}, dt::f32, tag::ldgo) : memory::desc()),
        bias({1, 1, d.G + (d.G == 3 && !lstm ? 0 : 0), d.H}, dt::f32, tag::ldgo),
        dst_layer({d.T, d.N, d.H}, dt::f32, tag::tnc),
        dst_iter({1, 1, d.N, d.H}, dt::f32, tag::ldnc),
        dst_iter_c(src_iter_c) {}
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs `execute` `repetitions` times (after a warm-up) and prints median and minimum.
template <class Fn>
void time_and_print(const std::string& cell, const std::string& size, const char* mode,
                    int repetitions, dnnl::stream& stream, Fn execute) {
  execute();
  stream.wait();
  std::vector<double> ms;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    execute();
    stream.wait();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::printf("%s %s %s %.4f %.4f\n", cell.c_str(), size.c_str(), mode, median(ms),
              *std::min_element(ms.begin(), ms.end()));
  std::fflush(stdout);
}

template <class FwdPd, class BwdPd>
void run_pds(const std::string& cell, const std::string& size, const FwdPd& fwd_pd,
             const BwdPd& bwd_pd, const Descs& d, bool lstm, bool peephole, int repetitions,
             const dnnl::engine& engine, dnnl::stream& stream) {
  std::unordered_map<int, memory> fwd_args{
      {DNNL_ARG_SRC_LAYER, filled(d.src_layer, engine)},
      {DNNL_ARG_SRC_ITER, filled(d.src_iter, engine)},
      {DNNL_ARG_WEIGHTS_LAYER, filled(fwd_pd.weights_layer_desc(), engine)},
      {DNNL_ARG_WEIGHTS_ITER, filled(fwd_pd.weights_iter_desc(), engine)},
      {DNNL_ARG_BIAS, filled(fwd_pd.bias_desc(), engine)},
      {DNNL_ARG_DST_LAYER, filled(d.dst_layer, engine)},
      {DNNL_ARG_DST_ITER, filled(d.dst_iter, engine)},
      {DNNL_ARG_WORKSPACE, filled(fwd_pd.workspace_desc(), engine)}};
  if (lstm) {
    fwd_args[DNNL_ARG_SRC_ITER_C] = filled(d.src_iter_c, engine);
    fwd_args[DNNL_ARG_DST_ITER_C] = filled(d.dst_iter_c, engine);
  }
  if (peephole) fwd_args[DNNL_ARG_WEIGHTS_PEEPHOLE] = filled(d.peephole, engine);
  dnnl::primitive fwd(fwd_pd);
  time_and_print(cell, size, "fwd", repetitions, stream, [&] { fwd.execute(stream, fwd_args); });

  std::unordered_map<int, memory> bwd_args = fwd_args;
  bwd_args[DNNL_ARG_WEIGHTS_LAYER] = filled(bwd_pd.weights_layer_desc(), engine);
  bwd_args[DNNL_ARG_WEIGHTS_ITER] = filled(bwd_pd.weights_iter_desc(), engine);
  bwd_args[DNNL_ARG_DIFF_SRC_LAYER] = filled(bwd_pd.diff_src_layer_desc(), engine);
  bwd_args[DNNL_ARG_DIFF_SRC_ITER] = filled(bwd_pd.diff_src_iter_desc(), engine);
  bwd_args[DNNL_ARG_DIFF_WEIGHTS_LAYER] = filled(bwd_pd.diff_weights_layer_desc(), engine);
  bwd_args[DNNL_ARG_DIFF_WEIGHTS_ITER] = filled(bwd_pd.diff_weights_iter_desc(), engine);
  bwd_args[DNNL_ARG_DIFF_BIAS] = filled(bwd_pd.diff_bias_desc(), engine);
  bwd_args[DNNL_ARG_DIFF_DST_LAYER] = filled(bwd_pd.diff_dst_layer_desc(), engine);
  bwd_args[DNNL_ARG_DIFF_DST_ITER] = filled(bwd_pd.diff_dst_iter_desc(), engine);
  if (lstm) {
    bwd_args[DNNL_ARG_DIFF_SRC_ITER_C] = filled(bwd_pd.diff_src_iter_c_desc(), engine);
    bwd_args[DNNL_ARG_DIFF_DST_ITER_C] = filled(bwd_pd.diff_dst_iter_c_desc(), engine);
  }
  if (peephole) {
    bwd_args[DNNL_ARG_DIFF_WEIGHTS_PEEPHOLE] = filled(bwd_pd.diff_weights_peephole_desc(), engine);
  }
  dnnl::primitive bwd(bwd_pd);
  // The forward's weights may use another layout than the backward's: give the forward its own.
  time_and_print(cell, size, "fwd+bwd", repetitions, stream, [&] {
    fwd.execute(stream, fwd_args);
    bwd.execute(stream, bwd_args);
  });
}

void run_case(const std::string& cell, const std::string& size, const Dims& dims, int repetitions,
              const dnnl::engine& engine, dnnl::stream& stream) {
  using dnnl::prop_kind;
  const bool lstm = cell == "lstm" || cell == "lstm_peephole";
  const bool peephole = cell == "lstm_peephole";
  const Descs d(dims, lstm, peephole);
  const Descs diff(dims, lstm, peephole);
  if (cell == "rnn_tanh" || cell == "rnn_relu") {
    const auto kind =
        cell == "rnn_tanh" ? dnnl::algorithm::eltwise_tanh : dnnl::algorithm::eltwise_relu;
    dnnl::vanilla_rnn_forward::primitive_desc fwd_pd(
        {prop_kind::forward_training, kind, kDirection, d.src_layer, d.src_iter, d.weights_layer,
         d.weights_iter, d.bias, d.dst_layer, d.dst_iter},
        engine);
    dnnl::vanilla_rnn_backward::primitive_desc bwd_pd(
        {prop_kind::backward, kind, kDirection, d.src_layer, d.src_iter, d.weights_layer,
         d.weights_iter, d.bias, d.dst_layer, d.dst_iter, diff.src_layer, diff.src_iter,
         diff.weights_layer, diff.weights_iter, diff.bias, diff.dst_layer, diff.dst_iter},
        engine, fwd_pd);
    run_pds(cell, size, fwd_pd, bwd_pd, d, false, false, repetitions, engine, stream);
  } else if (cell == "gru") {
    dnnl::gru_forward::primitive_desc fwd_pd(
        {prop_kind::forward_training, kDirection, d.src_layer, d.src_iter, d.weights_layer,
         d.weights_iter, d.bias, d.dst_layer, d.dst_iter},
        engine);
    dnnl::gru_backward::primitive_desc bwd_pd(
        {prop_kind::backward, kDirection, d.src_layer, d.src_iter, d.weights_layer, d.weights_iter,
         d.bias, d.dst_layer, d.dst_iter, diff.src_layer, diff.src_iter, diff.weights_layer,
         diff.weights_iter, diff.bias, diff.dst_layer, diff.dst_iter},
        engine, fwd_pd);
    run_pds(cell, size, fwd_pd, bwd_pd, d, false, false, repetitions, engine, stream);
  } else if (cell == "gru_lbr") {
    // LBR-GRU has G + 1 bias rows (the extra b_hn).
    const memory::desc bias({1, 1, dims.G + 1, dims.H}, dt::f32, tag::ldgo);
    dnnl::lbr_gru_forward::primitive_desc fwd_pd(
        {prop_kind::forward_training, kDirection, d.src_layer, d.src_iter, d.weights_layer,
         d.weights_iter, bias, d.dst_layer, d.dst_iter},
        engine);
    dnnl::lbr_gru_backward::primitive_desc bwd_pd(
        {prop_kind::backward, kDirection, d.src_layer, d.src_iter, d.weights_layer, d.weights_iter,
         bias, d.dst_layer, d.dst_iter, diff.src_layer, diff.src_iter, diff.weights_layer,
         diff.weights_iter, bias, diff.dst_layer, diff.dst_iter},
        engine, fwd_pd);
    run_pds(cell, size, fwd_pd, bwd_pd, d, false, false, repetitions, engine, stream);
  } else if (lstm) {
    const memory::desc none;
    dnnl::lstm_forward::primitive_desc fwd_pd(
        {prop_kind::forward_training, kDirection, d.src_layer, d.src_iter, d.src_iter_c,
         d.weights_layer, d.weights_iter, peephole ? d.peephole : none, none, d.bias, d.dst_layer,
         d.dst_iter, d.dst_iter_c},
        engine);
    dnnl::lstm_backward::primitive_desc bwd_pd({prop_kind::backward,
                                                kDirection,
                                                d.src_layer,
                                                d.src_iter,
                                                d.src_iter_c,
                                                d.weights_layer,
                                                d.weights_iter,
                                                peephole ? d.peephole : none,
                                                none,
                                                d.bias,
                                                d.dst_layer,
                                                d.dst_iter,
                                                d.dst_iter_c,
                                                diff.src_layer,
                                                diff.src_iter,
                                                diff.src_iter_c,
                                                diff.weights_layer,
                                                diff.weights_iter,
                                                peephole ? diff.peephole : none,
                                                none,
                                                diff.bias,
                                                diff.dst_layer,
                                                diff.dst_iter,
                                                diff.dst_iter_c},
                                               engine, fwd_pd);
    run_pds(cell, size, fwd_pd, bwd_pd, d, true, peephole, repetitions, engine, stream);
  }
}

int gates_of(const std::string& cell) {
  if (cell.starts_with("lstm")) return 4;
  if (cell.starts_with("gru")) return 3;
  return 1;
}

}  // namespace

// Usage: onednn_rnn [repetitions] [cell-filter]
// The rate dnnl_sgemm reaches on C (n, n) = A (n, n) · B (n, n), median of `repetitions`.
void print_sgemm_peak(int repetitions) {
  constexpr int n = 2048;
  std::vector<float> a(std::size_t(n) * n, 0.01f), b(a), c(a.size());
  std::vector<double> rates;
  for (int r = 0; r <= repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    dnnl_sgemm('N', 'N', n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r > 0) rates.push_back(2.0 * n * n * n / seconds / 1e9);  // the first one JIT-compiles
  }
  std::printf("sgemm_peak %.1f\n", median(rates));
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--sgemm-peak") {
    print_sgemm_peak(5);
    return 0;
  }
  const int repetitions = argc > 1 ? std::atoi(argv[1]) : 9;
  const std::string only = argc > 2 ? argv[2] : "";
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  for (const auto& size : harness::bench::sizes()) {
    for (const auto& cell : size.cells) {
      if (!only.empty() && cell + "/" + size.id != only && cell != only && size.id != only) {
        continue;
      }
      if (cell == "lstm_cifg" || cell == "gru_simple") continue;  // not in oneDNN
      const auto& s = size.shape;
      run_case(cell, size.id, {s.steps, s.batch, s.input, s.hidden, gates_of(cell)}, repetitions,
               engine, stream);
    }
  }
}
