// Whether a stored run can be resumed: only with the experiment file, the harness binary and the
// plugins it began with, or its missing trials would not be the trials it planned. Their SHA-256
// are in the run's record (the run's experiment_sha256 and its environment's JSON).
#pragma once

#include <string>

#include "registry.hpp"
#include "results/record.hpp"

namespace harness {

// Why `run` cannot be resumed here, or "" when it can.
std::string resume_refusal(const RunRecord& run, const Registry& plugins);

}  // namespace harness
