#ifndef TRAILPROOF_SYSTEM_CALLS_H
#define TRAILPROOF_SYSTEM_CALLS_H

/// Opens `path` (relative, several segments) below the folder `directory` in one call:
/// openat2 (Linux 5.6) with RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS, so that no symbolic link
/// on the way (the last segment included) is followed and nothing outside `directory` is
/// reached, exactly what opening it one segment at a time with O_NOFOLLOW guarantees. Answers
/// the descriptor, or -1 with errno set: ENOSYS (or EPERM from a filter) when the kernel does
/// not offer the call, ELOOP or EXDEV when the path leaves those bounds, as openat otherwise.
int trailproof_open_beneath(int directory, const char *path, int flags);

#endif
