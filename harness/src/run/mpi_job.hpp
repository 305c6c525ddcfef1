// `harness run` as one rank of an MPI job (mpirun -np K, or srun under Slurm). Rank 0 is the run:
// it owns the results store, prints, and hands trials out, longest expected first, to the other
// ranks as they ask for them; each of those runs up to --jobs trials at once, each in a child
// process as always, and sends back their progress and records. Only rank 0 writes the store.
// A rank that dies ends the job (MPI's default): the trials stored so far stay, and
// `harness run --resume` runs the rest. Under `mpirun --enable-recovery` the job outlives it:
// rank 0 stores the trials of a rank silent for longer than a limit as failed and goes on.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "experiment/spec.hpp"
#include "registry.hpp"
#include "run/runner.hpp"

namespace harness {

// How many ranks the MPI launcher started alongside this process (its environment says: Open
// MPI's mpirun, or Slurm's srun with PMI or PMIx); 1 when none did.
int mpi_ranks_from_environment();

class MpiJob {
 public:
  virtual ~MpiJob() = default;  // leaves MPI
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Trials each worker rank runs at once when --jobs does not say: the cores of its host shared
  // by the worker ranks on that host, given each trial's threads.
  virtual int automatic_jobs(const std::vector<TrialSpec>& trials) const = 0;
  // Prints `message` and ends every rank of the job (exit code 1): what a rank does when it
  // cannot go on, since the others would wait for it forever.
  [[noreturn]] virtual void abort(const std::string& message) = 0;
  // Rank 0: hands the trials to the other ranks, giving up on one silent for `silence`.
  virtual std::unique_ptr<TrialDispatcher> dispatcher(std::chrono::seconds silence) = 0;
  // The other ranks: run the trials rank 0 hands out (by their index in `trials`), `jobs` at a
  // time, until it has no more.
  virtual void serve(const std::vector<TrialSpec>& trials, const Registry& plugins, int jobs,
                     std::atomic<bool>& stop) = 0;
};

// Joins the job (MPI_Init). Throws std::runtime_error when this harness was built without MPI.
std::unique_ptr<MpiJob> join_mpi_job();

}  // namespace harness
