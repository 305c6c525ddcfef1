// The built-in cells: vanilla RNN, GRU and LSTM families.
#include <harness/plugin.hpp>

#include "gru.hpp"
#include "lstm.hpp"
#include "rnn.hpp"

namespace {

using harness::make_cell;

constexpr harness::CellEntry kCells[] = {
    {"rnn_tanh", "vanilla RNN, h = tanh(W_x x + W_h h + b)",
     &make_cell<cells::Rnn<cells::RnnActivation::Tanh>>},
    {"rnn_relu", "vanilla RNN with ReLU (IRNN with identity initialisation)",
     &make_cell<cells::Rnn<cells::RnnActivation::Relu>>},
    {"gru", "GRU, reset gate applied to h before the recurrent product (Cho et al. 2014)",
     &make_cell<cells::Gru<cells::GruVariant::ResetBeforeProduct>>},
    {"gru_simple", "GRU with the update gate only",
     &make_cell<cells::Gru<cells::GruVariant::UpdateGateOnly>>},
    {"gru_lbr", "GRU, linear before reset (cuDNN, oneDNN, PyTorch)",
     &make_cell<cells::Gru<cells::GruVariant::LinearBeforeReset>>},
    {"lstm", "LSTM with forget gate", &make_cell<cells::Lstm<cells::LstmVariant::Plain>>},
    {"lstm_peephole", "LSTM with diagonal peepholes: c(t-1) into i and f, c(t) into o",
     &make_cell<cells::Lstm<cells::LstmVariant::Peephole>>},
    {"lstm_cifg", "LSTM with coupled input and forget gates, f = 1 - i",
     &make_cell<cells::Lstm<cells::LstmVariant::CoupledInputForget>>},
};

}  // namespace

HARNESS_PLUGIN("cells", "0.1.0", kCells, {})
