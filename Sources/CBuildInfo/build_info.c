// The commit is recorded by .ci/record-commit.sh (which the project's build scripts run) into a
// header that git ignores; a build without it says so instead of guessing.
#include "build_info.h"

#if __has_include("generated/build_commit.h")
#include "generated/build_commit.h"
#endif

#ifndef TRAILPROOF_BUILD_COMMIT
#define TRAILPROOF_BUILD_COMMIT ""
#endif

const char *trailproof_build_commit(void) { return TRAILPROOF_BUILD_COMMIT; }
