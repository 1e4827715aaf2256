#include "storage/wal_write_buffer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <vector>

namespace memeops::storage {
namespace {

constexpr int k_frame_header_bytes = 24;                // SQLite's WAL_FRAME_HDRSIZE
constexpr size_t k_flush_bytes = 1024 * 1024;           // a long transaction is written in these steps
constexpr size_t k_kept_capacity = 256 * 1024;         // more is given back after a big commit
constexpr size_t k_max_write_bytes = 120 * 1024;       // the unix VFS writes less than 128 KiB per call

// The file SQLite sees for a log: our header, then the operating system VFS's own file.
struct LogFile {
    sqlite3_file base;  // first: SQLite reaches the methods through it
    sqlite3_file* os_file;
    std::vector<char>* gathered;
    sqlite3_int64 gathered_at;  // the file offset of gathered[0]
    bool commit_frame_open;     // a commit frame's header is gathered; its page comes next
};

sqlite3_vfs* g_os = nullptr;  // the operating system's VFS, found before this one became the default
sqlite3_vfs g_vfs;
sqlite3_io_methods g_log_methods;

LogFile& as_log(sqlite3_file* file) { return *reinterpret_cast<LogFile*>(file); }
sqlite3_file* os_file(sqlite3_file* file) { return as_log(file).os_file; }

// Writes out what is gathered. On failure it is kept, so a call that cannot report the error
// leaves it to the next one that can.
int flush(LogFile& log) {
    const auto& gathered = *log.gathered;
    for (size_t done = 0; done < gathered.size();) {
        size_t amount = std::min(k_max_write_bytes, gathered.size() - done);
        int rc = log.os_file->pMethods->xWrite(log.os_file, gathered.data() + done, static_cast<int>(amount),
                                               log.gathered_at + static_cast<sqlite3_int64>(done));
        if (rc != SQLITE_OK) return rc;  // rewriting what was written is harmless
        done += amount;
    }
    log.gathered->clear();
    if (log.gathered->capacity() > k_kept_capacity) std::vector<char>().swap(*log.gathered);
    return SQLITE_OK;
}

int flush_file(sqlite3_file* file) { return flush(as_log(file)); }

bool is_commit_frame_header(const void* data, int amount) {
    if (amount != k_frame_header_bytes) return false;
    const auto* bytes = static_cast<const unsigned char*>(data);
    return bytes[4] | bytes[5] | bytes[6] | bytes[7];  // the database's size after a commit; 0 otherwise
}

// A failed write fails SQLite's transaction, which then publishes none of its frames: what was
// gathered for it is dropped with the error.
int fail_write(LogFile& log, int rc) {
    log.gathered->clear();
    log.commit_frame_open = false;
    return rc;
}

int log_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    LogFile& log = as_log(file);
    auto& gathered = *log.gathered;
    if (!gathered.empty() && offset != log.gathered_at + static_cast<sqlite3_int64>(gathered.size()))
        if (int rc = flush(log)) return fail_write(log, rc);
    if (gathered.empty()) log.gathered_at = offset;
    const char* bytes = static_cast<const char*>(data);
    gathered.insert(gathered.end(), bytes, bytes + amount);
    if (is_commit_frame_header(data, amount)) {
        log.commit_frame_open = true;
        return SQLITE_OK;
    }
    bool commit_complete = log.commit_frame_open;
    log.commit_frame_open = false;
    if (commit_complete || gathered.size() >= k_flush_bytes)
        if (int rc = flush(log)) return fail_write(log, rc);
    return SQLITE_OK;
}

int log_close(sqlite3_file* file) {
    LogFile& log = as_log(file);
    int flushed = flush(log);
    int rc = log.os_file->pMethods->xClose(log.os_file);
    delete log.gathered;
    log.gathered = nullptr;
    return flushed != SQLITE_OK ? flushed : rc;
}

int log_read(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
    if (int rc = flush_file(file)) return rc;
    return os_file(file)->pMethods->xRead(os_file(file), data, amount, offset);
}

int log_truncate(sqlite3_file* file, sqlite3_int64 size) {
    if (int rc = flush_file(file)) return rc;
    return os_file(file)->pMethods->xTruncate(os_file(file), size);
}

int log_sync(sqlite3_file* file, int flags) {
    if (int rc = flush_file(file)) return rc;
    return os_file(file)->pMethods->xSync(os_file(file), flags);
}

int log_file_size(sqlite3_file* file, sqlite3_int64* size) {
    if (int rc = flush_file(file)) return rc;
    return os_file(file)->pMethods->xFileSize(os_file(file), size);
}

int log_lock(sqlite3_file* file, int level) {
    if (int rc = flush_file(file)) return rc;
    return os_file(file)->pMethods->xLock(os_file(file), level);
}

int log_unlock(sqlite3_file* file, int level) {
    if (int rc = flush_file(file)) return rc;
    return os_file(file)->pMethods->xUnlock(os_file(file), level);
}

int log_check_reserved_lock(sqlite3_file* file, int* out) {
    return os_file(file)->pMethods->xCheckReservedLock(os_file(file), out);
}

int log_file_control(sqlite3_file* file, int op, void* arg) {
    if (int rc = flush_file(file)) return rc;
    return os_file(file)->pMethods->xFileControl(os_file(file), op, arg);
}

int log_sector_size(sqlite3_file* file) { return os_file(file)->pMethods->xSectorSize(os_file(file)); }

int log_device_characteristics(sqlite3_file* file) {
    return os_file(file)->pMethods->xDeviceCharacteristics(os_file(file));
}

int log_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
    return os_file(file)->pMethods->xShmMap(os_file(file), region, size, extend, out);
}

// Unreachable with what is gathered after a commit (its last write wrote it out), and the
// shared-memory calls cannot report an error: a failure here shows up on the next write.
int log_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    (void)flush_file(file);
    return os_file(file)->pMethods->xShmLock(os_file(file), offset, n, flags);
}

void log_shm_barrier(sqlite3_file* file) {
    (void)flush_file(file);
    os_file(file)->pMethods->xShmBarrier(os_file(file));
}

int log_shm_unmap(sqlite3_file* file, int delete_flag) {
    return os_file(file)->pMethods->xShmUnmap(os_file(file), delete_flag);
}

int log_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
    if (int rc = flush_file(file)) return rc;
    return os_file(file)->pMethods->xFetch(os_file(file), offset, amount, out);
}

int log_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
    return os_file(file)->pMethods->xUnfetch(os_file(file), offset, page);
}

// A log is opened behind our header; any other file directly in SQLite's memory, so it is the
// operating system VFS's file with its own methods and costs nothing more.
int open_file(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    sqlite3_vfs* os = g_os;
    if (!(flags & SQLITE_OPEN_WAL)) return os->xOpen(os, name, file, flags, out_flags);
    LogFile& log = as_log(file);
    std::memset(&log, 0, sizeof log);
    log.os_file = reinterpret_cast<sqlite3_file*>(&log + 1);
    int rc = os->xOpen(os, name, log.os_file, flags, out_flags);
    if (rc != SQLITE_OK) return rc;  // base.pMethods stays null: SQLite will not close it
    log.gathered = new (std::nothrow) std::vector<char>();
    if (!log.gathered) {
        log.os_file->pMethods->xClose(log.os_file);
        return SQLITE_NOMEM;
    }
    log.base.pMethods = &g_log_methods;
    return SQLITE_OK;
}

// The VFS's other calls are the operating system VFS's, called as itself.
int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_os->xDelete(g_os, name, sync_dir); }
int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_os->xAccess(g_os, name, flags, out); }
int vfs_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
    return g_os->xFullPathname(g_os, name, size, out);
}
void* vfs_dl_open(sqlite3_vfs*, const char* name) { return g_os->xDlOpen(g_os, name); }
void vfs_dl_error(sqlite3_vfs*, int size, char* out) { g_os->xDlError(g_os, size, out); }
void (*vfs_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) { return g_os->xDlSym(g_os, handle, symbol); }
void vfs_dl_close(sqlite3_vfs*, void* handle) { g_os->xDlClose(g_os, handle); }
int vfs_randomness(sqlite3_vfs*, int size, char* out) { return g_os->xRandomness(g_os, size, out); }
int vfs_sleep(sqlite3_vfs*, int microseconds) { return g_os->xSleep(g_os, microseconds); }
int vfs_current_time(sqlite3_vfs*, double* out) { return g_os->xCurrentTime(g_os, out); }
int vfs_last_error(sqlite3_vfs*, int size, char* out) { return g_os->xGetLastError(g_os, size, out); }
int vfs_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) { return g_os->xCurrentTimeInt64(g_os, out); }

int install() {
    g_os = sqlite3_vfs_find(nullptr);
    if (!g_os) return SQLITE_ERROR;
    g_log_methods = sqlite3_io_methods{3,
                                       log_close,
                                       log_read,
                                       log_write,
                                       log_truncate,
                                       log_sync,
                                       log_file_size,
                                       log_lock,
                                       log_unlock,
                                       log_check_reserved_lock,
                                       log_file_control,
                                       log_sector_size,
                                       log_device_characteristics,
                                       log_shm_map,
                                       log_shm_lock,
                                       log_shm_barrier,
                                       log_shm_unmap,
                                       log_fetch,
                                       log_unfetch};
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(LogFile)) + g_os->szOsFile;
    g_vfs.mxPathname = g_os->mxPathname;
    g_vfs.zName = "memeops-wal-write-buffer";
    g_vfs.xOpen = open_file;
    g_vfs.xDelete = vfs_delete;
    g_vfs.xAccess = vfs_access;
    g_vfs.xFullPathname = vfs_full_pathname;
    g_vfs.xDlOpen = vfs_dl_open;
    g_vfs.xDlError = vfs_dl_error;
    g_vfs.xDlSym = vfs_dl_sym;
    g_vfs.xDlClose = vfs_dl_close;
    g_vfs.xRandomness = vfs_randomness;
    g_vfs.xSleep = vfs_sleep;
    g_vfs.xCurrentTime = vfs_current_time;
    g_vfs.xGetLastError = vfs_last_error;
    g_vfs.xCurrentTimeInt64 = vfs_current_time_int64;
    return sqlite3_vfs_register(&g_vfs, 1);
}

}  // namespace

int install_wal_write_buffer() {
    static const int installed = install();
    return installed;
}

}  // namespace memeops::storage
