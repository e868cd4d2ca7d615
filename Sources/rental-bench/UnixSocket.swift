import Foundation
import Glibc

/// Blocking Unix-domain sockets: the benchmark's clients and the raw baseline server use the plainest
/// system calls, so that what they cost is the floor against which the daemon is measured.
enum UnixSocket {
    /// Fills a `sockaddr_un` for `path` and calls `body` with it.
    static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) throws -> T {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw BenchError("socket path too long (\(bytes.count) bytes): \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// A stream socket connected to `path`.
    static func connect(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        let rc = try withAddress(path) { Glibc.connect(fd, $0, $1) }
        guard rc == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BenchError("connect \(path): \(reason)")
        }
        return fd
    }

    /// A socket of `type` bound to `path` (stream sockets also listen).
    static func bind(_ path: String, type: __socket_type) throws -> Int32 {
        unlink(path)
        let fd = socket(AF_UNIX, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        let rc = try withAddress(path) { Glibc.bind(fd, $0, $1) }
        guard rc == 0, type != SOCK_STREAM || listen(fd, 512) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BenchError("bind \(path): \(reason)")
        }
        return fd
    }

    /// Writes all of `bytes`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw BenchError("send: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}

/// Incremental parsing of HTTP/1.1 messages with a `content-length` (what rentald and curl send; no
/// chunked encoding), shared by the client and the raw server. Bytes are received straight into one
/// buffer kept for the connection and each body copied out once (the client used to copy each 260 kB page
/// of the overdue listing four times: received into a chunk, appended, copied as the whole message and as
/// the body, then shifted out), so that what it measures is the server, not its own copying.
struct HTTPReader {
    /// A message: its first line, its head's bytes (without the blank line) and its body.
    struct Message {
        let startLine: String
        let head: [UInt8]
        let body: [UInt8]
        /// The message as received.
        var raw: [UInt8] { head + HTTPReader.headerEnd + body }
        /// The status code of a response (0 when the first line has none).
        var status: Int {
            let fields = startLine.split(separator: " ")
            return fields.count >= 2 ? Int(fields[1]) ?? 0 : 0
        }
    }

    private var buffer = [UInt8](repeating: 0, count: 512 * 1024)
    /// The received bytes not yet returned: `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    fileprivate static let headerEnd: [UInt8] = Array("\r\n\r\n".utf8)

    /// Reads from `fd` until one whole message is buffered, then removes and returns it. Nil when the peer
    /// closed before a message began.
    mutating func next(from fd: Int32) throws -> Message? {
        var scanned = 0  // bytes from `start` known to hold no blank line (the buffer may move while reading)
        while true {
            if let headEnd = Self.find(Self.headerEnd, in: buffer, from: start + scanned, to: end) {
                let head = Array(buffer[start..<headEnd])
                let total = headEnd + 4 + Self.contentLength(head) - start
                while end - start < total {
                    guard try fill(fd, toHold: total) else { throw BenchError("the peer closed in the middle of a message") }
                }
                let bodyStart = start + head.count + 4
                let message = Message(startLine: String(decoding: head.prefix(while: { $0 != 13 }), as: UTF8.self), head: head,
                                      body: Array(buffer[bodyStart..<(start + total)]))
                start += total
                if start == end { (start, end) = (0, 0) }
                return message
            }
            scanned = max(0, end - start - 3)
            guard try fill(fd, toHold: end - start + 1) else {
                if start == end { return nil }
                throw BenchError("the peer closed in the middle of a message")
            }
        }
    }

    /// Reads what is available into the buffer, with room for a message of `size` bytes from `start`
    /// (moving the pending bytes to the front or growing it when needed); false at end of stream.
    private mutating func fill(_ fd: Int32, toHold size: Int) throws -> Bool {
        if start + size > buffer.count || end == buffer.count {
            let pending = Array(buffer[start..<end])
            if size > buffer.count { buffer = [UInt8](repeating: 0, count: max(size, buffer.count * 2)) }
            buffer.replaceSubrange(0..<pending.count, with: pending)
            (start, end) = (0, pending.count)
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress.map { $0 + end }, $0.count - end, 0) }
            if count > 0 {
                end += count
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            throw BenchError("recv: \(String(cString: strerror(errno)))")
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, to end: Int) -> Int? {
        guard start <= end - needle.count else { return nil }
        for index in start...(end - needle.count)
        where haystack[index] == needle[0] && haystack[index + 1] == needle[1] && haystack[index + 2] == needle[2]
            && haystack[index + 3] == needle[3] {
            return index
        }
        return nil
    }

    /// The `content-length` of a message head (0 when absent).
    private static func contentLength(_ head: [UInt8]) -> Int {
        let text = String(decoding: head, as: UTF8.self)
        for line in text.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                return Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
            }
        }
        return 0
    }
}

/// One keep-alive HTTP/1.1 connection over a Unix socket, used from one thread.
final class HTTPConnection {
    private let fd: Int32
    private var reader = HTTPReader()

    /// Connects to `path`.
    init(path: String) throws {
        fd = try UnixSocket.connect(path)
    }

    deinit { close(fd) }

    /// Sends one request (already encoded) and reads the response.
    func roundTrip(_ request: [UInt8]) throws -> HTTPReader.Message {
        try UnixSocket.writeAll(fd, request)
        guard let message = try reader.next(from: fd) else { throw BenchError("the daemon closed the connection") }
        return message
    }

    /// Encodes a request with the headers a client such as curl sends.
    static func request(_ method: String, _ path: String, json: String? = nil) -> [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nUser-Agent: rental-bench\r\nAccept: */*\r\n"
        if let json {
            text += "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n" + json
        } else {
            text += "\r\n"
        }
        return Array(text.utf8)
    }
}
