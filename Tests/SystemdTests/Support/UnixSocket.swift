import Glibc

/// A Unix-domain socket, closed by ``close()``.
struct UnixSocket {
    /// The socket's file descriptor.
    let fd: Int32

    /// Creates a socket of `type` bound to `path`; stream sockets also start listening.
    init(type: __socket_type, boundTo path: String) throws {
        fd = try Self.open(type)
        let bound = try Self.withAddress(path) { bind(fd, $0, $1) }
        guard bound == 0, type != SOCK_STREAM || listen(fd, 4) == 0 else {
            let error = SystemCallError(call: "bind/listen \(path)")
            Glibc.close(fd)
            throw error
        }
    }

    /// Creates a stream socket connected to `path`, retrying for up to
    /// `timeoutSeconds` while nothing listens there yet.
    init(connectingTo path: String, timeoutSeconds: Int = 5) throws {
        fd = try Self.open(SOCK_STREAM)
        for attempt in 0 ... timeoutSeconds * 50 {
            if try Self.withAddress(path, { connect(fd, $0, $1) }) == 0 { return }
            if attempt < timeoutSeconds * 50 { usleep(20_000) }
        }
        let error = SystemCallError(call: "connect \(path)")
        Glibc.close(fd)
        throw error
    }

    /// Receives one datagram (or one chunk of a stream) as text, waiting at most
    /// `timeoutSeconds`; `nil` if nothing arrived.
    func receive(timeoutSeconds: Int = 2) -> String? {
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count >= 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }

    /// Whether a datagram is waiting, without blocking.
    var hasPendingDatagram: Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_DONTWAIT | MSG_PEEK)) >= 0
    }

    /// Closes the socket.
    func close() {
        Glibc.close(fd)
    }

    private static func open(_ type: __socket_type) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemCallError(call: "socket") }
        return fd
    }

    /// Calls `body` with `path` as a `sockaddr_un` and its length.
    private static func withAddress<T>(
        _ path: String,
        _ body: (UnsafePointer<sockaddr>, socklen_t) -> T
    ) throws -> T {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw SystemCallError(call: "sockaddr_un (path too long)", code: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }
}
