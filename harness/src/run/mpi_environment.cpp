// Whether an MPI launcher started this process: built with or without MPI, the harness can tell.
#include <cstdlib>
#include <string>

#include "run/mpi_job.hpp"

namespace harness {

int mpi_ranks_from_environment() {
  // Open MPI's mpirun; Slurm's srun with PMI-2; srun with PMIx (which names the tasks in Slurm's).
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (const char* value = std::getenv(name)) return std::max(1, std::atoi(value));
  }
  if (std::getenv("PMIX_RANK") != nullptr) {
    if (const char* tasks = std::getenv("SLURM_NTASKS")) return std::max(1, std::atoi(tasks));
  }
  return 1;
}

}  // namespace harness
