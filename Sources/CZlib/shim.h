#ifndef TRAILPROOF_CZLIB_SHIM_H
#define TRAILPROOF_CZLIB_SHIM_H
#include <zlib.h>
#endif
