// The benchmark sizes, by id. Use these ids everywhere: benchmarks, docs, notes.
//
// | id | cells                                      | X    | H    | B  | T   |
// |----|--------------------------------------------|------|------|----|-----|
// | S  | every cell                                 | 2    | 128  | 32 | 200 |
// | M  | lstm and gru variants, minGRU, minLSTM     | 512  | 512  | 64 | 50  |
// | L  | lstm, gru, gru_lbr                         | 1024 | 1024 | 32 | 25  |
// | L  | rnn_tanh (DeepBench's vanilla RNN shape)   | 1760 | 1760 | 16 | 50  |
#pragma once

#include <string>
#include <vector>

#include "conformance/layer_problem.hpp"

namespace harness::bench {

struct Size {
  std::string id;
  conformance::Shape shape;
  std::vector<std::string> cells;
};

inline const std::vector<Size>& sizes() {
  static const std::vector<Size> table{
      {"S",
       {.input = 2, .hidden = 128, .batch = 32, .steps = 200},
       {"rnn_tanh", "rnn_relu",  "indrnn",    "gru",           "gru_simple", "gru_lbr",  "mingru",
        "minlstm",  "lstm",      "lstm_np",   "lstm_peephole", "lstm_cifg",  "lstm_nig", "lstm_nfg",
        "lstm_nog", "lstm_niaf", "lstm_noaf", "lstm_fgr",      "lstmp",      "lstm_ln"}},
      {"M",
       {.input = 512, .hidden = 512, .batch = 64, .steps = 50},
       {"gru", "gru_simple", "gru_lbr", "mingru", "minlstm", "lstm", "lstm_peephole", "lstm_cifg",
        "lstmp", "lstm_ln"}},
      {"L", {.input = 1024, .hidden = 1024, .batch = 32, .steps = 25}, {"gru", "gru_lbr", "lstm"}},
      {"L", {.input = 1760, .hidden = 1760, .batch = 16, .steps = 50}, {"rnn_tanh"}},
  };
  return table;
}

// Forward FLOPs of one layer-direction: two per parameter, batch row and step — 2·G·H·(X + H)·B·T
// for a cell with W_x and W_h, and what a cell without W_h (minGRU) or with a projection really
// computes; backward is twice that.
inline double forward_flops(std::size_t parameters, const conformance::Shape& s) {
  return 2.0 * double(parameters) * double(s.batch) * s.steps;
}

}  // namespace harness::bench
