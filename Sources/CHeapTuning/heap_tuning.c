#include "heap_tuning.h"

#include <malloc.h>

int trailproof_set_heap_growth(int bytes) {
    return mallopt(M_TOP_PAD, bytes);
}
