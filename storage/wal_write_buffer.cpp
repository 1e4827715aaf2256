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
constexpr size_t k_max_frame_bytes = k_frame_header_bytes + 65536;  // SQLite's largest page
// Reserved once per log on its first write, and kept: it takes a step and the frame that ends
// it, so gathering never reallocates. Growing it again for every commit (doubling past 128 KiB
// means fresh pages from the kernel each time) cost a tenth of the bot's writer thread.
constexpr size_t k_buffer_bytes = k_flush_bytes + k_max_frame_bytes;
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
    try {  // no exception may cross SQLite's C frames
        if (gathered.capacity() < k_buffer_bytes) gathered.reserve(k_buffer_bytes);
        const char* bytes = static_cast<const char*>(data);
        gathered.insert(gathered.end(), bytes, bytes + amount);
    } catch (const std::bad_alloc&) {
        return fail_write(log, SQLITE_IOERR_NOMEM);
    }
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

// A method of the log that SQLite calls on the operating system's file below it: `flushed`
// writes out what is gathered first (its error, if any, is the call's), so the call sees the
// file as SQLite wrote it; `direct` does not, for calls that never touch the log's bytes (and
// the shared-memory ones, which SQLite only ever makes on the database file).
template <auto method>
struct LogMethod;

template <typename R, typename... A, R (*sqlite3_io_methods::*method)(sqlite3_file*, A...)>
struct LogMethod<method> {
    static R direct(sqlite3_file* file, A... args) { return (os_file(file)->pMethods->*method)(os_file(file), args...); }
    static R flushed(sqlite3_file* file, A... args) {
        if (int rc = flush_file(file)) return rc;
        return direct(file, args...);
    }
};

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

// The VFS's other calls: the operating system VFS's, called as itself.
template <auto method>
struct OsCall;

template <typename R, typename... A, R (*sqlite3_vfs::*method)(sqlite3_vfs*, A...)>
struct OsCall<method> {
    static R call(sqlite3_vfs*, A... args) { return (g_os->*method)(g_os, args...); }
};

int install() {
    g_os = sqlite3_vfs_find(nullptr);
    if (!g_os) return SQLITE_ERROR;
    using M = sqlite3_io_methods;
    g_log_methods = sqlite3_io_methods{3,
                                       log_close,
                                       LogMethod<&M::xRead>::flushed,
                                       log_write,
                                       LogMethod<&M::xTruncate>::flushed,
                                       LogMethod<&M::xSync>::flushed,
                                       LogMethod<&M::xFileSize>::flushed,
                                       LogMethod<&M::xLock>::flushed,
                                       LogMethod<&M::xUnlock>::flushed,
                                       LogMethod<&M::xCheckReservedLock>::direct,
                                       LogMethod<&M::xFileControl>::flushed,
                                       LogMethod<&M::xSectorSize>::direct,
                                       LogMethod<&M::xDeviceCharacteristics>::direct,
                                       LogMethod<&M::xShmMap>::direct,
                                       LogMethod<&M::xShmLock>::direct,
                                       LogMethod<&M::xShmBarrier>::direct,
                                       LogMethod<&M::xShmUnmap>::direct,
                                       LogMethod<&M::xFetch>::flushed,
                                       LogMethod<&M::xUnfetch>::direct};
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(LogFile)) + g_os->szOsFile;
    g_vfs.mxPathname = g_os->mxPathname;
    g_vfs.zName = "memeops-wal-write-buffer";
    g_vfs.xOpen = open_file;
    using V = sqlite3_vfs;
    g_vfs.xDelete = OsCall<&V::xDelete>::call;
    g_vfs.xAccess = OsCall<&V::xAccess>::call;
    g_vfs.xFullPathname = OsCall<&V::xFullPathname>::call;
    g_vfs.xDlOpen = OsCall<&V::xDlOpen>::call;
    g_vfs.xDlError = OsCall<&V::xDlError>::call;
    g_vfs.xDlSym = OsCall<&V::xDlSym>::call;
    g_vfs.xDlClose = OsCall<&V::xDlClose>::call;
    g_vfs.xRandomness = OsCall<&V::xRandomness>::call;
    g_vfs.xSleep = OsCall<&V::xSleep>::call;
    g_vfs.xCurrentTime = OsCall<&V::xCurrentTime>::call;
    g_vfs.xGetLastError = OsCall<&V::xGetLastError>::call;
    g_vfs.xCurrentTimeInt64 = OsCall<&V::xCurrentTimeInt64>::call;
    return sqlite3_vfs_register(&g_vfs, 1);
}

}  // namespace

int install_wal_write_buffer() {
    static const int installed = install();
    return installed;
}

}  // namespace memeops::storage
