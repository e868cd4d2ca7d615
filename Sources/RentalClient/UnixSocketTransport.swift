#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import RentalProtocol

/// Requests over the daemon's Unix socket on this machine: one connection per request (`connection: close`).
struct UnixSocketTransport: RentalTransport {
    /// The daemon's socket.
    let socketPath: String

    var keepsConnection: Bool { false }

    func roundTrip(_ head: HTTPRequestHead, _ body: ByteBuffer, timeout: Duration) async throws(RentalError) -> RawResponse {
        do {
            return try await exchange(head, body, timeout: timeout)
        } catch let failure where failure.notSent {
            // The daemon closed the new connection before a byte of the request was written: this process was
            // held up for longer than the daemon's idle timeout between connecting and writing (a stopped or
            // starved process). Nothing reached the daemon, so any request may go again, once, at once.
            do {
                return try await exchange(head, body, timeout: timeout)
            } catch {
                throw error.error
            }
        } catch {
            throw error.error
        }
    }

    /// How one attempt ended without an answer.
    private struct AttemptFailure: Error {
        /// What the caller is told.
        let error: RentalError
        /// The connection closed before the request was written: nothing was sent.
        var notSent = false
    }

    private func exchange(_ head: HTTPRequestHead, _ body: ByteBuffer, timeout: Duration) async throws(AttemptFailure) -> RawResponse {
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
            throw AttemptFailure(error: unreachable(error))
        }
        do {
            return try await withThrowingTaskGroup(of: RawResponse?.self) { group in
                group.addTask {
                    try await channel.executeThenClose { inbound, outbound in
                        // One write: the daemon may answer (and close, as asked) as soon as the request is
                        // complete, and a separate write of an empty `.end` would then fail and lose the answer.
                        var parts: [HTTPClientRequestPart] = [.head(head)]
                        if body.readableBytes > 0 { parts.append(.body(.byteBuffer(body))) }
                        parts.append(.end(nil))
                        do {
                            try await outbound.write(contentsOf: parts)
                        } catch ChannelError.ioOnClosedChannel {
                            throw AttemptFailure(error: RentalError(.daemonUnreachable, "rentald at \(socketPath) closed the connection before the request was sent"),
                                                 notSent: true)
                        }
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
                                return RawResponse(status: status, contentType: contentType, body: data)
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
                    throw AttemptFailure(error: RentalError(.daemonUnreachable, "rentald did not answer within \(timeout) on \(socketPath)"))
                }
                return result
            }
        } catch let failure as AttemptFailure {
            throw failure
        } catch {
            throw AttemptFailure(error: RentalError(.daemonUnreachable, "the connection to rentald at \(socketPath) broke before an answer: \(error)"))
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
}
