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

/// Requests to rentald on another machine, over one `ssh … rentalctl bridge` session: HTTP/1.1 on ssh's
/// standard input and output, kept alive so that a command's requests share one ssh start.
///
/// The session starts at the first request and ends with ``close()`` (or when the process exits: ssh sees
/// the end of its input). When the daemon ends the connection (its idle timeout, `connection: close`), the
/// next request starts a new session. A request that was already sent is sent again only when it is safe
/// to repeat (a `GET`, or one with an `Idempotency-Key`) and went out on a kept session that then ended
/// without an answer: the daemon's idle close can cross it on the way, before the session looks closed here.
actor SSHTransport: RentalTransport {
    let host: RemoteHost
    let socket: String?
    let settings: SSHSettings

    private var session: Session?
    private var starting: Task<Session, any Error>?

    /// One ssh process and the NIO channel on its pipes.
    final class Session: Sendable {
        let process: ChildProcess
        let channel: any Channel

        init(process: ChildProcess, channel: any Channel) {
            self.process = process
            self.channel = channel
        }
    }

    init(host: RemoteHost, socket: String?, settings: SSHSettings) {
        self.host = host
        self.socket = socket
        self.settings = settings
    }

    nonisolated var keepsConnection: Bool { settings.reuseConnection }

    func roundTrip(_ head: HTTPRequestHead, _ body: ByteBuffer, timeout: Duration) async throws(RentalError) -> RawResponse {
        try await roundTrip(head, body, timeout: timeout, mayRepeat: true)
    }

    /// Whether sending `head` twice does no harm.
    static func safeToRepeat(_ head: HTTPRequestHead) -> Bool {
        head.method == .GET || head.method == .HEAD || head.headers.contains(name: RentalAPI.idempotencyKeyHeader)
    }

    private func roundTrip(_ head: HTTPRequestHead, _ body: ByteBuffer, timeout: Duration,
                           mayRepeat: Bool) async throws(RentalError) -> RawResponse {
        let session: Session
        let kept = self.session?.channel.isActive == true
        do {
            session = try await openSession()
        } catch let error as RentalError {
            throw error
        } catch {
            throw RentalError(.sshFailed, "could not start ssh for \(host): \(error)")
        }
        let channel = session.channel
        let answer = channel.eventLoop.makePromise(of: RawResponse.self)
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let deadline = channel.eventLoop.scheduleTask(in: .milliseconds(milliseconds)) {
            answer.fail(ExchangeFailure.timedOut)
            channel.close(promise: nil)
        }
        channel.writeAndFlush(HTTPExchange(head: head, body: body, answer: answer)).whenFailure { error in
            answer.fail(error)
            channel.close(promise: nil)
        }
        do {
            let response = try await answer.futureResult.get()
            deadline.cancel()
            if !response.keepAlive || !settings.reuseConnection { retire(session) }
            return response
        } catch {
            deadline.cancel()
            if case ExchangeFailure.timedOut = error {
                session.process.terminate()
                throw RentalError(.daemonUnreachable, "rentald on \(host) did not answer within \(timeout)")
            }
            if mayRepeat, kept, Self.safeToRepeat(head) {
                retire(session)
                return try await roundTrip(head, body, timeout: timeout, mayRepeat: false)
            }
            throw await diagnose(session)
        }
    }

    /// Stops using a session the daemon closes after its answer: the next request starts a new one at once
    /// instead of finding this one half closed. Its ssh ends on its own and is reaped in the background.
    private func retire(_ retired: Session) {
        guard session === retired else { return }
        session = nil
        retired.channel.close(promise: nil)
        Task { _ = await retired.process.waitForExit(within: .seconds(5)) }
    }

    func close() async {
        starting?.cancel()
        guard let session else { return }
        self.session = nil
        try? await session.channel.close()
        _ = await session.process.waitForExit(within: .seconds(5))
    }

    /// The open session, or a new one when there is none or the last one ended.
    private func openSession() async throws -> Session {
        if let session {
            if session.channel.isActive { return session }
            self.session = nil
            Task { _ = await session.process.waitForExit(within: .seconds(5)) }
        }
        if let starting { return try await starting.value }
        let task = Task { [host, socket, settings] in try await Self.start(host: host, socket: socket, settings: settings) }
        starting = task
        defer { starting = nil }
        let started = try await task.value
        session = started
        return started
    }

    private static func start(host: RemoteHost, socket: String?, settings: SSHSettings) async throws -> Session {
        let process: ChildProcess
        do {
            process = try ChildProcess(settings.arguments(for: host, socket: socket))
        } catch {
            let reason = String(cString: strerror(error.errno))
            throw RentalError(.sshFailed, error.errno == ENOENT
                ? "\(settings.program) was not found: install the ssh client (Debian: apt install openssh-client)"
                : "could not start \(settings.program): \(reason)")
        }
        do {
            let channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .takingOwnershipOfDescriptors(input: process.output, output: process.input) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(HTTPExchangeHandler())
                        return channel
                    }
                }
            return Session(process: process, channel: channel)
        } catch {
            Glibc.close(process.input)
            Glibc.close(process.output)
            process.terminate()
            _ = await process.waitForExit(within: .seconds(1))
            throw RentalError(.sshFailed, "could not use ssh's pipes: \(error)")
        }
    }

    /// Why a session ended without an answer, from ssh's exit status and what it (and the bridge) wrote to
    /// standard error.
    private func diagnose(_ session: Session) async -> RentalError {
        if self.session === session { self.session = nil }
        session.channel.close(promise: nil)
        let ended = await session.process.waitForExit(within: .seconds(5))
        let said = session.process.standardError()
        return Self.error(for: ended, said: said, host: host, settings: settings)
    }

    /// The error for an ssh session that ended as `ended`, with ssh's (or the bridge's) message `said`.
    static func error(for ended: ChildProcess.Termination, said: String, host: RemoteHost, settings: SSHSettings) -> RentalError {
        let detail = said.isEmpty ? "" : ": \(said.split(separator: "\n").suffix(3).joined(separator: " / "))"
        switch ended {
        case .exited(255):
            // ssh's own failures: name resolution, connection, host key, authentication.
            var hint = ""
            if said.contains("Host key verification failed") || said.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") {
                hint = "; the server's host key is unknown or has changed: check it with the administrator before you trust it"
                    + " (ssh \(host.destination) once, on a terminal, to see its fingerprint)"
            } else if said.contains("Permission denied") {
                hint = "; ask the administrator to add your ssh key for this account"
            }
            return RentalError(.sshFailed, "ssh could not connect or log in to \(host)\(detail)\(hint)")
        case .exited(BridgeExit.noDaemon):
            return RentalError(.daemonUnreachable, "no rentald on \(host)\(detail)")
        case .exited(BridgeExit.noPermission):
            return RentalError(.forbidden, "the daemon's socket on \(host) refused you\(detail)")
        case .exited(126), .exited(127):
            return RentalError(.daemonUnreachable,
                "\(settings.remoteRentalctl) cannot be run on \(host)\(detail); install rentalctl there, or name it with \(SSHSettings.remoteRentalctlVariable)")
        case .exited(let code):
            return RentalError(.daemonUnreachable,
                "the ssh session to \(host) ended (status \(code)) without an answer from rentald\(detail); if your key is restricted in authorized_keys, its command must be `rentalctl bridge`")
        case .signalled(let signal):
            return RentalError(.daemonUnreachable, "the ssh session to \(host) was stopped by signal \(signal)\(detail)")
        }
    }
}

/// Exit statuses of `rentalctl bridge` that the client explains (sysexits.h, as rentalctl's own).
public enum BridgeExit {
    /// No daemon: no socket at the path, or nothing answers there (EX_UNAVAILABLE).
    public static let noDaemon: Int32 = 69
    /// The socket's permissions refuse the logged-in user (EX_NOPERM).
    public static let noPermission: Int32 = 77
}
