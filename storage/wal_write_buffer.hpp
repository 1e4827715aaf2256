// One write per commit to the write-ahead log.
//
// SQLite writes each frame of its log with two writes, a 24-byte header and the page, so a
// commit of n pages costs 2n system calls. This layer over the operating system's SQLite VFS
// gathers the contiguous writes of a log file in memory and writes them at once when the
// commit's last frame is complete. So they are on the file (in the page cache) before SQLite
// publishes the commit to readers, and a failed write (disk full) still fails the commit that
// made it, through the same call, as without the buffer.
//
// Anything else SQLite does with the log (read, sync, size, truncate, lock, close, shared
// memory) first writes out what is gathered, so every other call sees the file as SQLite wrote
// it. Files other than write-ahead logs are the operating system's own, untouched.
#pragma once

namespace memeops::storage {

// Installs the layer as SQLite's default VFS, once per process; later calls do nothing.
// Returns SQLite's result code of the registration (SQLITE_OK).
int install_wal_write_buffer();

}  // namespace memeops::storage
