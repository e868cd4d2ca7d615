import Dispatch
import Foundation
import NIOCore
import RentalKit
import Synchronization

/// A response body made on another thread (a store reader walking a register) and written to the socket as
/// it comes: at most `depth` pieces wait between the two, so a register of any size takes bounded memory.
/// The producer blocks in ``push(_:)`` while the connection is behind, and fails there once the connection
/// has gone, which ends the export.
final class StreamedBody: Sendable {
    /// The pieces, for the connection to write; it calls ``written()`` after each.
    let pieces: AsyncThrowingStream<ByteBuffer, any Error>
    private let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    private let room: DispatchSemaphore
    private let stopped = Atomic<Bool>(false)

    private struct Start {
        var started = false
        /// The producer's error when it failed before its first piece.
        var failure: (any Error)?
        var waiter: CheckedContinuation<Void, any Error>?
    }
    private let start = Mutex(Start())

    init(depth: Int = 4) {
        (pieces, continuation) = AsyncThrowingStream.makeStream()
        // Created empty and filled: libdispatch refuses to free a semaphore whose count is below the one it
        // was created with, which a connection that hangs up mid-body would leave.
        room = DispatchSemaphore(value: 0)
        for _ in 0..<max(1, depth) { room.signal() }
        continuation.onTermination = { [weak self] _ in self?.stop() }
    }

    /// Nobody will read further pieces (the connection is gone, or the body is complete): a producer waiting
    /// for room wakes and gives up.
    func stop() {
        stopped.store(true, ordering: .releasing)
        room.signal()
    }

    /// How long the producer waits for the connection to take a piece: a client that reads nothing for that
    /// long loses the body (and the store's reader it holds is freed).
    static let stallLimit = DispatchTimeInterval.seconds(30)

    /// Hands one piece over (producer side); waits for room; throws once nobody reads any more, or when the
    /// connection took nothing for ``stallLimit``.
    func push(_ data: Data) throws {
        guard room.wait(timeout: .now() + Self.stallLimit) == .success else {
            throw RentalError(.serviceUnavailable, "the client read nothing for \(Self.stallLimit); the export was stopped")
        }
        guard !stopped.load(ordering: .acquiring) else {
            room.signal()
            throw CancellationError()
        }
        continuation.yield(ByteBuffer(bytes: data))
        began(nil)
    }

    /// The producer is done (`error` nil) or failed.
    func finish(throwing error: (any Error)? = nil) {
        began(error)
        continuation.finish(throwing: error)
    }

    /// The connection wrote a piece: room for one more.
    func written() {
        room.signal()
    }

    /// Returns when the first piece is there or the producer finished without one, throwing its error: a
    /// refusal before any byte can still be answered with its own status.
    func firstPiece() async throws {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            let ready = start.withLock { start -> Result<Void, any Error>? in
                if start.started { return start.failure.map { .failure($0) } ?? .success(()) }
                start.waiter = waiter
                return nil
            }
            if let ready { waiter.resume(with: ready) }
        }
    }

    private func began(_ error: (any Error)?) {
        let waiter = start.withLock { start -> CheckedContinuation<Void, any Error>? in
            guard !start.started else { return nil }
            start.started = true
            start.failure = error
            defer { start.waiter = nil }
            return start.waiter
        }
        if let error { waiter?.resume(throwing: error) } else { waiter?.resume() }
    }
}
