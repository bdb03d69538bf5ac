#ifndef TRAILPROOF_BUILD_INFO_H
#define TRAILPROOF_BUILD_INFO_H

/// The git commit the binary was built from (40 hex digits, "-dirty" when the tree had
/// uncommitted changes), or an empty string when the build did not record one.
const char *trailproof_build_commit(void);

#endif
