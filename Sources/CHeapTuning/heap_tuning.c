#include "heap_tuning.h"

#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

int trailproof_set_heap_growth(int bytes) {
    return mallopt(M_TOP_PAD, bytes);
}

// Defined by the linker: the start of .bss and the end of the program's data.
extern char __bss_start[];
extern char _end[];

int trailproof_prefault_bss(void) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = ((uintptr_t)__bss_start + page - 1) & ~(page - 1);
    uintptr_t end = ((uintptr_t)_end + page - 1) & ~(page - 1);
    if (end <= start) return 1;
    return madvise((void *)start, end - start, MADV_POPULATE_WRITE) == 0;
}
