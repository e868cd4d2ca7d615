import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RentalKit
import Synchronization

/// One HTTP request, read whole, with who sent it.
struct HTTPRequest: Sendable {
    var method: HTTPMethod
    var uri: String
    var headers: HTTPHeaders
    var body: ByteBuffer
    var peer: PeerIdentity
}

/// One HTTP response: a body in memory, or one written as it is made (`streamed`, sent chunked).
struct HTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer
    var streamed: StreamedBody? = nil
}

/// What turns requests into responses (the API).
protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) async -> HTTPResponse
    func problem(_ error: RentalError) -> HTTPResponse
}

/// HTTP/1.1 on a listening Unix socket, with SwiftNIO's codec: reads each request whole (up to the body
/// limit), asks the handler, writes the response; keeps connections alive; enforces the connection,
/// header, body and idle limits; on shutdown stops accepting, closes idle connections and lets requests
/// in flight finish.
final class HTTPServer: Sendable {
    private let fd: Int32
    private let limits: DaemonConfig.Limits
    private let handler: any HTTPHandler
    private let logger: Logger
    private let state = Mutex(State())
    private let serverChannel = Mutex<(any Channel)?>(nil)

    private struct State {
        var shuttingDown = false
        var connections: [ObjectIdentifier: Connection] = [:]
    }

    private struct Connection {
        var channel: any Channel
        var busy = false
        var served = 0
    }

    init(fd: Int32, limits: DaemonConfig.Limits, handler: any HTTPHandler, logger: Logger) {
        self.fd = fd
        self.limits = limits
        self.handler = handler
        self.logger = logger
    }

    /// Serves until ``shutdown()``; returns when every connection is done.
    func run() async throws {
        let idle = TimeAmount.seconds(Int64(limits.idleTimeoutSeconds))
        let decoderLimits = {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderListSize = 32 * 1024
            limits.maxHeaderFieldSize = 16 * 1024
            limits.maxHeaderFieldCount = 100
            return limits
        }()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            // A client may shut its writing side after its requests (`printf … | nc -U`): their answers still go out.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .bind(fd) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withErrorHandling: false, withOutboundHeaderValidation: true,
                        withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
                    try channel.pipeline.syncOperations.addHandler(ProtocolErrorAnswer())
                    try channel.pipeline.syncOperations.addHandler(RequestDeadline(timeout: idle))
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        serverChannel.withLock { $0 = channel.channel }
        if state.withLock({ $0.shuttingDown }) {
            // Asked to stop before the listener existed (a signal or a failed check during start-up).
            try? await channel.channel.close()
        }
        try await withThrowingDiscardingTaskGroup { group in
            try await channel.executeThenClose { inbound in
                for try await connection in inbound {
                    // Admitted here, in the order connections were accepted: the connection tasks may start
                    // in any order, and the last one in must be the one refused.
                    let admitted = admit(connection.channel)
                    group.addTask(executorPreference: EventLoopExecutor(connection.channel.eventLoop)) {
                        await self.serve(connection, admitted: admitted)
                    }
                }
            }
        }
    }

    /// Stops accepting, closes keep-alive connections that sit idle between requests, and closes the
    /// listening socket; ``run()`` then returns once every accepted connection has had its answer.
    /// Under socket activation, connections still in the backlog wait there for the next daemon.
    func shutdown() async {
        let idle: [any Channel] = state.withLock { state in
            state.shuttingDown = true
            return state.connections.values.filter { !$0.busy && $0.served > 0 }.map(\.channel)
        }
        // Read after the flag is set: `run()` either sees the flag or has published its listener by now.
        let listener = serverChannel.withLock { $0 }
        try? await listener?.setOption(ChannelOptions.autoRead, value: false).get()
        for channel in idle { channel.close(promise: nil) }
        // Connections accepted just before reading stopped are still on their way to `serve`; closing the
        // listener under them would drop them unanswered.
        try? await Task.sleep(for: .milliseconds(100))
        try? await listener?.close()
    }

    /// Counts a new connection in, unless `max_connections` are open.
    private func admit(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard state.connections.count < limits.maxConnections else { return false }
            state.connections[ObjectIdentifier(channel)] = Connection(channel: channel)
            return true
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, admitted: Bool) async {
        let id = ObjectIdentifier(connection.channel)
        defer { if admitted { state.withLock { _ = $0.connections.removeValue(forKey: id) } } }
        do {
            try await connection.executeThenClose { inbound, outbound in
                guard admitted else {
                    logger.warning("refusing a connection: connection limit reached",
                                   metadata: ["limit": "\(limits.maxConnections)"])
                    // Answer its first request (HTTP allows no response before one), then close.
                    for try await part in inbound {
                        guard case .head = part else { continue }
                        try await write(handler.problem(RentalError(.serviceUnavailable, "the daemon has too many connections; try again")),
                                        keepAlive: false, to: outbound)
                        return
                    }
                    return
                }
                let peer = try await peerIdentity(connection.channel)
                var parts = inbound.makeAsyncIterator()
                while let part = try await parts.next() {
                    guard case .head(let head) = part else { continue }
                    state.withLock { $0.connections[id]?.busy = true }
                    var body = ByteBuffer()
                    // A CSV register (POST /v1/imports/…) may be larger than any JSON body.
                    let maxBody = head.uri.hasPrefix("/v1/imports/") ? limits.maxImportBytes : limits.maxBodyBytes
                    var tooLarge = head.headers.first(name: "content-length").flatMap(Int.init).map { $0 > maxBody } ?? false
                    while !tooLarge, let next = try await parts.next() {
                        if case .body(var chunk) = next {
                            if body.readableBytes + chunk.readableBytes > maxBody {
                                tooLarge = true
                            } else {
                                body.writeBuffer(&chunk)
                            }
                        } else if case .end = next {
                            break
                        }
                    }
                    if tooLarge {
                        logger.warning("request body over the limit", metadata: ["limit": "\(maxBody)", "uid": "\(peer.uid)"])
                        try await write(handler.problem(RentalError(.payloadTooLarge, "the body is larger than \(maxBody) bytes")),
                                        keepAlive: false, to: outbound)
                        return
                    }
                    let response = await handler.handle(HTTPRequest(method: head.method, uri: head.uri, headers: head.headers,
                                                                    body: body, peer: peer))
                    let stopping = state.withLock { state -> Bool in
                        state.connections[id]?.busy = false
                        state.connections[id]?.served += 1
                        return state.shuttingDown
                    }
                    // NIO's decoder stops parsing after a request that asks for an upgrade (or a CONNECT), so
                    // nothing more would be read from this connection until the idle timeout: close it.
                    let upgrade = head.method == .CONNECT || head.headers.contains(name: "upgrade")
                    let keepAlive = head.isKeepAlive && !stopping && !upgrade
                    try await write(response, keepAlive: keepAlive, to: outbound)
                    if !keepAlive { return }
                }
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    private func write(_ response: HTTPResponse, keepAlive: Bool,
                       to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        var headers = response.headers
        headers.replaceOrAdd(name: "connection", value: keepAlive ? "keep-alive" : "close")
        if let streamed = response.streamed {
            // Each piece as it comes; if the producer fails midway the connection closes before the last
            // chunk, so the client cannot take a cut register for a whole one.
            defer { streamed.stop() }
            headers.remove(name: "content-length")
            headers.replaceOrAdd(name: "transfer-encoding", value: "chunked")
            try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)))
            for try await piece in streamed.pieces {
                try await outbound.write(.body(.byteBuffer(piece)))
                streamed.written()
            }
            try await outbound.write(.end(nil))
            return
        }
        headers.replaceOrAdd(name: "content-length", value: "\(response.body.readableBytes)")
        // One write of all parts: one flush, one system call for a small answer.
        var parts: [HTTPServerResponsePart] = [.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))]
        if response.body.readableBytes > 0 { parts.append(.body(.byteBuffer(response.body))) }
        parts.append(.end(nil))
        try await outbound.write(contentsOf: parts)
    }

    private func peerIdentity(_ channel: any Channel) async throws -> PeerIdentity {
        guard let provider = channel as? any SocketOptionProvider else { throw ChannelError.operationUnsupported }
        let credentials: PeerCredentials = try await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)).get()
        return PeerIdentity(uid: credentials.uid, gid: credentials.gid, pid: credentials.pid)
    }
}

/// `struct ucred` of `SO_PEERCRED` (glibc hides it behind `_GNU_SOURCE`): same layout.
private struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

