#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import RentalProtocol

/// An async client for `rentald`'s socket API, for `rentalctl` and for other services.
///
/// Every call opens a connection to the Unix socket, sends one request and reads one response; failures
/// come back as ``RentalError`` with the same stable codes the daemon and RentalKit use. When the daemon
/// cannot be reached the code is ``RentalError/Code/daemonUnreachable`` and the message says what to do.
///
/// ```swift
/// let client = RentalClient(socketPath: RentalPaths.systemSocket)
/// let loan = try await client.checkout(CheckoutRequest(family: "F-2026-0001", unit: "КРВ-1-1", centre: "ryabinushka"))
/// ```
public struct RentalClient: Sendable {
    /// The daemon's socket.
    public let socketPath: String
    /// How long one request may take.
    public let timeout: Duration

    /// Creates a client for the daemon at `socketPath`.
    public init(socketPath: String, timeout: Duration = .seconds(30)) {
        self.socketPath = socketPath
        self.timeout = timeout
    }

    /// A client for the socket named by `RENTALD_SOCKET`, else the system socket (or a development
    /// daemon's socket under the working directory).
    public static func fromEnvironment(explicitSocket: String? = nil) -> RentalClient {
        RentalClient(socketPath: RentalPaths.clientSocket(
            explicit: explicitSocket, environment: ProcessInfo.processInfo.environment,
            exists: { FileManager.default.fileExists(atPath: $0) }))
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
        headers.add(name: "connection", value: "close")
        if body != nil { headers.add(name: "content-type", value: "application/json") }
        for (name, value) in extra { headers.add(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method.rawValue), uri: uri, headers: headers)

        let (status, contentType, responseBody) = try await roundTrip(head, bytes)
        if (200..<300).contains(status) { return responseBody }
        if contentType?.hasPrefix(RentalAPI.problemMediaType) == true || contentType?.hasPrefix("application/json") == true,
           let problem = try? RentalJSON.decoder().decode(Problem.self, from: responseBody) {
            throw problem.error
        }
        throw RentalError(.protocolError, "the daemon answered HTTP \(status) without a problem body")
    }

    private func roundTrip(_ head: HTTPRequestHead, _ body: ByteBuffer) async throws(RentalError) -> (Int, String?, Data) {
        let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(5))
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw unreachable(error)
        }
        do {
            return try await withThrowingTaskGroup(of: (Int, String?, Data)?.self) { group in
                group.addTask {
                    try await channel.executeThenClose { inbound, outbound in
                        // One write: the daemon may answer (and close, as asked) as soon as the request is
                        // complete, and a separate write of an empty `.end` would then fail and lose the answer.
                        var parts: [HTTPClientRequestPart] = [.head(head)]
                        if body.readableBytes > 0 { parts.append(.body(.byteBuffer(body))) }
                        parts.append(.end(nil))
                        try await outbound.write(contentsOf: parts)
                        var status = 0
                        var contentType: String?
                        var data = Data()
                        for try await part in inbound {
                            switch part {
                            case .head(let response):
                                status = Int(response.status.code)
                                contentType = response.headers.first(name: "content-type")
                            case .body(let chunk):
                                data.append(contentsOf: chunk.readableBytesView)
                            case .end:
                                return (status, contentType, data)
                            }
                        }
                        return nil
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let result = first else {
                    throw RentalError(.daemonUnreachable, "rentald did not answer within \(timeout) on \(socketPath)")
                }
                return result
            }
        } catch let error as RentalError {
            throw error
        } catch {
            throw RentalError(.daemonUnreachable, "the connection to rentald at \(socketPath) broke before an answer: \(error)")
        }
    }

    private func unreachable(_ error: any Error) -> RentalError {
        let code = (error as? IOError)?.errnoCode
            ?? ((error as? NIOConnectionError)?.connectionErrors.first?.error as? IOError)?.errnoCode
        let hint = "try: systemctl start rentald.socket"
        switch code {
        case ENOENT?:
            return RentalError(.daemonUnreachable, "the daemon is not running: no socket at \(socketPath); \(hint)")
        case EACCES?, EPERM?:
            return RentalError(.daemonUnreachable, "permission denied on \(socketPath): ask an administrator to add you to the rental group")
        case ECONNREFUSED?:
            return RentalError(.daemonUnreachable, "the daemon is not running: nothing answers at \(socketPath); \(hint)")
        default:
            if !FileManager.default.fileExists(atPath: socketPath) {
                return RentalError(.daemonUnreachable, "the daemon is not running: no socket at \(socketPath); \(hint)")
            }
            return RentalError(.daemonUnreachable, "cannot connect to \(socketPath): \(error); \(hint)")
        }
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
