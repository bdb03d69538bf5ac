#ifndef TRAILPROOF_HEAP_TUNING_H
#define TRAILPROOF_HEAP_TUNING_H

/// Makes glibc's heaps grow by at least `bytes` at a time (mallopt M_TOP_PAD), which Swift's
/// Glibc module cannot reach. Returns 1 on success, 0 if the C library refused.
int trailproof_set_heap_growth(int bytes);

#endif
