import NIOCore

/// Runs a task's jobs on one SwiftNIO event loop, so that a connection's task reads, answers and writes on
/// the thread that owns its socket: a request that needs no commit (a read) costs no thread wake-up between
/// the socket and the store. Work that may take long (reports, registers, papers, backups, the audit walk)
/// leaves the loop (``Route/offLoop``), and commits go to the store's writer queue (the daemon opens the
/// store with ``RentalStore/Options/commitsOnCallingThread`` off), so a loop never waits for an fsync.
final class EventLoopExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `eventLoop` is immutable and itself thread-safe.
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
