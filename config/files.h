/*
 * files.h -- small file helpers shared by detect/ and feeds/ (state files,
 * snapshots, views): durability of a rename.
 */
#ifndef SH_FILES_H
#define SH_FILES_H

/* fsync the directory holding path, so a rename in it survives a power loss.
 * "a/b" -> "a", "/b" -> "/", "b" -> ".". 0 on success, -1 (errno set) if the
 * directory could not be opened or synced; callers may ignore it. */
int file_sync_dir(const char *path);

#endif
