// The harness built without MPI (no MPI library was found when it was built).
#include <stdexcept>

#include "run/mpi_job.hpp"

namespace harness {

std::unique_ptr<MpiJob> join_mpi_job() {
  throw std::runtime_error(
      "this harness was built without MPI (no MPI library was found when it was built), so it "
      "cannot run as one rank of several: run it without mpirun or srun, or install Open MPI "
      "(tools/install-deps) and build it again");
}

}  // namespace harness
