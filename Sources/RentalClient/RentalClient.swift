#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import RentalProtocol

/// An async client for `rentald`'s socket API, for `rentalctl` and for other services.
///
/// On this machine every call opens a connection to the Unix socket, sends one request and reads one
/// response. For a daemon on another machine (``init(host:socket:ssh:timeout:)``) the client starts the
/// system `ssh` with `rentalctl bridge` on the far side and speaks the same HTTP over ssh's pipes, keeping
/// that one session for all its requests (copies of a client share it; ``close()`` ends it). Failures come
/// back as ``RentalError`` with the same stable codes the daemon and RentalKit use. When the daemon cannot
/// be reached the code is ``RentalError/Code/daemonUnreachable`` (``RentalError/Code/sshFailed`` when ssh
/// could not connect or log in) and the message says what to do.
///
/// ```swift
/// let client = RentalClient(socketPath: RentalPaths.systemSocket)
/// let loan = try await client.checkout(CheckoutRequest(family: "F-2026-0001", unit: "КРВ-1-1", centre: "ryabinushka"))
/// ```
public struct RentalClient: Sendable {
    /// Where the daemon is.
    public enum Endpoint: Sendable, Equatable {
        /// A Unix socket on this machine.
        case socket(String)
        /// A daemon on another machine, over ssh; the socket there (nil: the host's default).
        case remote(RemoteHost, socket: String?)
    }

    /// Where the daemon is.
    public let endpoint: Endpoint
    /// How long one request may take (over ssh: including the start of the session).
    public let timeout: Duration
    private let transport: any RentalTransport

    /// The daemon's socket: on this machine, or on the remote host (its default when none was named).
    public var socketPath: String {
        switch endpoint {
        case .socket(let path): path
        case .remote(_, let socket): socket ?? RentalPaths.systemSocket
        }
    }

    /// Creates a client for the daemon at `socketPath`.
    public init(socketPath: String, timeout: Duration = .seconds(30)) {
        self.endpoint = .socket(socketPath)
        self.timeout = timeout
        self.transport = UnixSocketTransport(socketPath: socketPath)
    }

    /// Creates a client for the daemon on `host`, reached with `ssh` and `rentalctl bridge` there, which
    /// connects to `socket` (nil: the host's default) as the user ssh logs in as.
    public init(host: RemoteHost, socket: String? = nil, ssh: SSHSettings = SSHSettings(), timeout: Duration = .seconds(30)) {
        self.endpoint = .remote(host, socket: socket)
        self.timeout = timeout
        self.transport = SSHTransport(host: host, socket: socket, settings: ssh)
    }

    private init(failing error: RentalError) {
        self.endpoint = .socket(RentalPaths.systemSocket)
        self.timeout = .seconds(30)
        self.transport = FailingTransport(error: error)
    }

    /// The environment variable naming the host of a daemon on another machine, `[user@]host[:port]`.
    public static let hostEnvironmentVariable = "RENTALD_HOST"

    /// A client for the daemon on `explicitHost`, else `RENTALD_HOST` (over ssh, with `explicitSocket` as the
    /// socket there); else for the socket named by `explicitSocket`, else `RENTALD_SOCKET`, else the system
    /// socket (or a development daemon's socket under the working directory). A host that does not parse
    /// gives a client whose every request fails with ``RentalError/Code/invalidInput``.
    public static func fromEnvironment(explicitSocket: String? = nil, explicitHost: String? = nil) -> RentalClient {
        let environment = ProcessInfo.processInfo.environment
        if let host = explicitHost.flatMap({ $0.isEmpty ? nil : $0 })
            ?? environment[hostEnvironmentVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            switch Result(catching: { () throws(RentalError) in try RemoteHost(parsing: host) }) {
            case .success(let remote):
                return RentalClient(host: remote, socket: explicitSocket.flatMap { $0.isEmpty ? nil : $0 },
                                    ssh: SSHSettings.fromEnvironment(environment, interactive: isatty(0) == 1))
            case .failure(let error):
                return RentalClient(failing: error)
            }
        }
        return RentalClient(socketPath: RentalPaths.clientSocket(
            explicit: explicitSocket, environment: environment,
            exists: { FileManager.default.fileExists(atPath: $0) }))
    }

    /// Ends what the client holds open (the ssh session of a remote client) and waits for it; the next
    /// request opens a new one. Nothing to do for a local socket.
    public func close() async {
        await transport.close()
    }

    /// An HTTP method.
    public enum Method: String, Sendable {
        /// Read.
        case get = "GET"
        /// Create or act.
        case post = "POST"
        /// Replace.
        case put = "PUT"
        /// Change some fields.
        case patch = "PATCH"
        /// Remove.
        case delete = "DELETE"
    }

    /// Sends one request to `path` (under `/v1`, e.g. `loans/17/renew`; segments are percent-encoded)
    /// and decodes the JSON answer.
    public func send<Response: Decodable & Sendable>(
        _ method: Method, _ path: [String], query: [(String, String?)] = [], body: (any Encodable & Sendable)? = nil,
        headers: [(String, String)] = [], as type: Response.Type = Response.self
    ) async throws(RentalError) -> Response {
        let raw = try await exchange(method, path, query: query, body: body, headers: headers)
        if Response.self == Empty.self, let empty = Empty() as? Response { return empty }
        do {
            return try RentalJSON.decoder().decode(Response.self, from: raw)
        } catch {
            throw RentalError(.protocolError, "the daemon's answer could not be read as \(Response.self)")
        }
    }

    /// The body of a response with none (204).
    public struct Empty: Decodable, Sendable {
        init() {}
    }

    func exchange(_ method: Method, _ path: [String], query: [(String, String?)],
                          body: (any Encodable & Sendable)?, headers extra: [(String, String)]) async throws(RentalError) -> Data {
        var uri = RentalAPI.basePath + "/" + path.map(Self.encodeSegment).joined(separator: "/")
        let items = query.compactMap { name, value in value.map { "\(Self.encodeQuery(name))=\(Self.encodeQuery($0))" } }
        if !items.isEmpty { uri += "?" + items.joined(separator: "&") }
        var bytes = ByteBuffer()
        if let body {
            do {
                bytes = ByteBuffer(bytes: try RentalJSON.encoder().encode(body))
            } catch {
                throw RentalError(.invalidInput, "the request body could not be encoded")
            }
        }
        var headers = HTTPHeaders()
        headers.add(name: "host", value: "localhost")
        headers.add(name: "user-agent", value: "RentalClient/\(RentalVersion.current)")
        headers.add(name: "accept", value: "application/json")
        headers.add(name: "content-length", value: "\(bytes.readableBytes)")
        if !transport.keepsConnection { headers.add(name: "connection", value: "close") }
        if body != nil { headers.add(name: "content-type", value: "application/json") }
        for (name, value) in extra { headers.add(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method.rawValue), uri: uri, headers: headers)

        let response = try await transport.roundTrip(head, bytes, timeout: timeout)
        if (200..<300).contains(response.status) { return response.body }
        if response.contentType?.hasPrefix(RentalAPI.problemMediaType) == true || response.contentType?.hasPrefix("application/json") == true,
           let problem = try? RentalJSON.decoder().decode(Problem.self, from: response.body) {
            throw problem.error
        }
        throw RentalError(.protocolError, "the daemon answered HTTP \(response.status) without a problem body")
    }

    /// Percent-encodes a path segment: everything but the unreserved characters and `!$&'()*+,=:@`
    /// (the URL path characters less `/`, `;`, `?`, `#` and `%`), as UTF-8 bytes.
    static func encodeSegment(_ text: String) -> String {
        percentEncoded(text) { byte in
            switch byte {
            case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&")...UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: ":"),
                 UInt8(ascii: "="), UInt8(ascii: "@")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "~"): true
            default: false
            }
        }
    }

    /// Percent-encodes a query name or value: everything but the unreserved characters and
    /// `!$'()*,;:@/?` (the URL query characters less `&`, `=`, `+`, `#` and `%`), as UTF-8 bytes.
    static func encodeQuery(_ text: String) -> String {
        percentEncoded(text) { byte in
            switch byte {
            case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "'")...UInt8(ascii: "*"), UInt8(ascii: ",")...UInt8(ascii: ";"),
                 UInt8(ascii: "?")...UInt8(ascii: "Z"), UInt8(ascii: "_"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "~"): true
            default: false
            }
        }
    }

    private static func percentEncoded(_ text: String, keeping allowed: (UInt8) -> Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if allowed(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
