#ifndef TRAILPROOF_HEAP_TUNING_H
#define TRAILPROOF_HEAP_TUNING_H

/// Makes glibc's heaps grow by at least `bytes` at a time (mallopt M_TOP_PAD), which Swift's
/// Glibc module cannot reach. Returns 1 on success, 0 if the C library refused.
int trailproof_set_heap_growth(int bytes);

/// Maps every page of the program's zero-initialised data (.bss) now, in one call
/// (madvise MADV_POPULATE_WRITE, Linux 5.14), while the process has one thread. Otherwise the
/// runtime's caches and once-flags there are read first (mapping the shared zero page) and
/// written later, one copy-on-write fault per page, each flushing the TLB of every other core
/// running a thread of the process. Returns 1 on success, 0 if the kernel refused (older
/// kernels: nothing changes).
int trailproof_prefault_bss(void);

#endif
