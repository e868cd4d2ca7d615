import Glibc
import Systemd

/// Where the daemon's listening socket comes from: systemd, or a path it binds itself.
enum ListenSocket {
    /// A failure to obtain the socket, in words for the administrator.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The first Unix stream socket systemd passed (socket activation), if any.
    static func fromSystemd() -> Int32? {
        SocketActivation.listenFileDescriptors().first { SocketActivation.isUnixStreamSocket(fd: $0) }
    }

    /// Binds and listens on `path`: refuses when a live daemon answers there, removes a stale socket
    /// file, creates the parent directory if missing, and sets the file's mode (and group).
    static func bind(path: String, mode: UInt32, group: String?) throws(Failure) -> Int32 {
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw Failure(description: "socket path \(path) is too long for a Unix socket")
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else {
                throw Failure(description: "\(path) exists and is not a socket; refusing to replace it")
            }
            if isAnswering(path) {
                throw Failure(description: "another rentald is already serving \(path); stop it first (systemctl stop rentald)")
            }
            unlink(path)  // stale: its daemon is gone
        }
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !directory.isEmpty, stat(directory, &info) != 0, mkdir(directory, 0o755) != 0 {
            throw Failure(description: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket(): \(String(cString: strerror(errno)))") }
        var address = unixAddress(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "cannot bind \(path): \(reason)")
        }
        if chmod(path, mode_t(mode)) != 0 {
            close(fd)
            throw Failure(description: "cannot set mode of \(path): \(String(cString: strerror(errno)))")
        }
        if let group {
            guard let entry = getgrnam(group) else {
                close(fd)
                throw Failure(description: "socket_group \(group) does not exist")
            }
            if chown(path, uid_t.max, entry.pointee.gr_gid) != 0 {
                close(fd)
                throw Failure(description: "cannot give \(path) to group \(group): \(String(cString: strerror(errno)))")
            }
        }
        guard listen(fd, 256) == 0 else {
            close(fd)
            throw Failure(description: "cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// Whether something accepts connections on the socket at `path`.
    static func isAnswering(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = unixAddress(path)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
    }

    private static func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
        }
        return address
    }
}
