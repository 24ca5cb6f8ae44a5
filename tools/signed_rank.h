// The Wilcoxon signed-rank test, one-sided, for paired measurements: `raftsim mutants --detect`
// compares a mutant's availability with the reference's on the same seeds (each seed brings both
// the same faults), and asks whether the mutant is worse more often and by more than chance
// would make it.
//
// Contract. signed_rank_p(differences) is the probability, under the null hypothesis that each
// difference is as likely positive as negative (symmetric about zero), of a signed-rank sum W+ at
// least as large as the one observed. Zero differences are dropped; tied magnitudes get their
// average rank. Exact (by counting every sign assignment) for up to kExactMax nonzero
// differences, the normal approximation with tie and continuity corrections beyond. 1 when no
// difference is nonzero.
#pragma once

#include <cstddef>
#include <vector>

namespace raftsim::cli {

inline constexpr size_t kSignedRankExactMax = 200;

double signed_rank_p(const std::vector<double>& differences);

}  // namespace raftsim::cli
