/*
 * files.h -- small file helpers shared by detect/ and feeds/ (state files,
 * snapshots, views, the Prometheus file, exports): writing a whole buffer,
 * durability of a rename.
 */
#include <stddef.h>
#ifndef SH_FILES_H
#define SH_FILES_H

/* fsync the directory holding path, so a rename in it survives a power loss.
 * "a/b" -> "a", "/b" -> "/", "b" -> ".". 0 on success, -1 (errno set) if the
 * directory could not be opened or synced; callers may ignore it. */
int file_sync_dir(const char *path);

/* write() all n bytes of p to fd, again after EINTR.  0 on success; -1
 * with errno set by write(), or errno 0 when a write made no progress. */
int file_write_all(int fd, const void *p, size_t n);

#endif
