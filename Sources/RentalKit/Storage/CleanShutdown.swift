import Foundation

/// The mark a cleanly closed store leaves beside its file (`rental.sqlite.closed-cleanly`): the file's
/// identity, size and modification time after the write-ahead log was checkpointed into it and emptied
/// and the last connection closed. Opening takes the mark away first, so a crash, a power cut or any
/// change to the file afterwards leaves no valid mark and the next open checks the whole file.
enum CleanShutdown {
    static func markPath(_ path: String) -> String { path + ".closed-cleanly" }

    /// Records that the file at `path` was closed cleanly.
    static func mark(_ path: String) {
        guard let state = fileState(path), walIsEmpty(path) else { return }
        try? Data(state.utf8).write(to: URL(fileURLWithPath: markPath(path)), options: .atomic)
    }

    /// Removes the mark; true when there was one and the file is as it was when it was written.
    static func take(_ path: String) -> Bool {
        let marker = markPath(path)
        guard let recorded = try? String(contentsOfFile: marker, encoding: .utf8) else { return false }
        unlink(marker)
        return recorded == fileState(path) && walIsEmpty(path)
    }

    /// True when the write-ahead log is absent or empty (everything is in the main file).
    private static func walIsEmpty(_ path: String) -> Bool {
        var info = stat()
        return stat(path + "-wal", &info) != 0 || info.st_size == 0
    }

    /// Device, inode, size and modification time (to the nanosecond), or nil when there is no file.
    private static func fileState(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev) \(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}
