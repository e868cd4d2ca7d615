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
/// chunked encoding), shared by the client and the raw server.
struct HTTPReader {
    private(set) var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 256 * 1024)
    private static let headerEnd: [UInt8] = Array("\r\n\r\n".utf8)

    /// Reads from `fd` until one whole message is buffered, then removes and returns it: its first line,
    /// its headers' bytes and its body. Nil when the peer closed before a message began.
    mutating func next(from fd: Int32) throws -> (startLine: String, head: ArraySlice<UInt8>, body: [UInt8], raw: [UInt8])? {
        var scanFrom = 0
        while true {
            if let end = Self.find(Self.headerEnd, in: buffer, from: scanFrom) {
                let head = buffer[..<end]
                let length = Self.contentLength(head)
                let total = end + 4 + length
                while buffer.count < total {
                    guard try fill(fd) else { throw BenchError("the peer closed in the middle of a message") }
                }
                let startLine = String(decoding: head.prefix(while: { $0 != 13 }), as: UTF8.self)
                let raw = Array(buffer[..<total])
                let body = Array(buffer[(end + 4)..<total])
                let headCopy = ArraySlice(raw[..<end])
                buffer.removeFirst(total)
                return (startLine, headCopy, body, raw)
            }
            scanFrom = max(0, buffer.count - 3)
            guard try fill(fd) else {
                if buffer.isEmpty { return nil }
                throw BenchError("the peer closed in the middle of a message")
            }
        }
    }

    /// Reads what is available; false at end of stream.
    private mutating func fill(_ fd: Int32) throws -> Bool {
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                buffer.append(contentsOf: chunk[..<count])
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            throw BenchError("recv: \(String(cString: strerror(errno)))")
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0], haystack[index + 1] == needle[1], haystack[index + 2] == needle[2],
               haystack[index + 3] == needle[3] {
                return index
            }
            index += 1
        }
        return nil
    }

    /// The `content-length` of a message head (0 when absent).
    private static func contentLength(_ head: ArraySlice<UInt8>) -> Int {
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

    /// Sends one request (already encoded) and reads the response: status code, body and the whole
    /// response as received.
    func roundTrip(_ request: [UInt8]) throws -> (status: Int, body: [UInt8], raw: [UInt8]) {
        try UnixSocket.writeAll(fd, request)
        guard let message = try reader.next(from: fd) else { throw BenchError("the daemon closed the connection") }
        let fields = message.startLine.split(separator: " ")
        let status = fields.count >= 2 ? Int(fields[1]) ?? 0 : 0
        return (status, message.body, message.raw)
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
