import Foundation
import Glibc
import Synchronization

/// What a load run did.
struct LoadResult: Sendable {
    /// Requests answered with the expected status.
    var ok = 0
    /// Requests answered otherwise (each is a failure of the run, reported).
    var failed = 0
    /// Seconds from the common start to the last answer.
    var seconds = 0.0
    /// Whether a client ran out of work (units) before the time was up.
    var exhausted = false
    /// The first unexpected answer, for the report.
    var firstFailure: String?
    /// CPU seconds the server used during the run (0 when not measured).
    var cpuSeconds = 0.0
    /// CPU seconds the load clients (this process) used during the run (0 when not measured).
    var clientCPUSeconds = 0.0
    /// One complete response as received (to give the raw server the same bytes).
    var sampleResponse: [UInt8] = []

    /// Server CPU per answered request, in seconds.
    var cpuPerRequest: Double { ok > 0 ? cpuSeconds / Double(ok) : 0 }

    /// Answered requests per second.
    var rate: Double { seconds > 0 ? Double(ok) / seconds : 0 }
}

/// Drives a server with `clients` threads, each with its own keep-alive connection, all starting
/// together and stopping after `seconds` (or when their work runs out).
enum Load {
    /// - Parameters:
    ///   - request: The encoded request for client `c`'s `i`-th call; nil when that client has no more work.
    ///   - expect: The status a successful answer has.
    static func run(socket: String, clients: Int, seconds: Double, expect: Int,
                    request: @escaping @Sendable (_ client: Int, _ index: Int) -> [UInt8]?) throws -> LoadResult {
        let connected = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let start = Locked(0.0)
        let results = Locked<[LoadResult]>([])
        let setupError = Locked<String?>(nil)
        for client in 0..<clients {
            let thread = Thread {
                var result = LoadResult()
                defer {
                    let finished = result
                    results.withLock { $0.append(finished) }
                    done.signal()
                }
                let connection: HTTPConnection
                do {
                    connection = try HTTPConnection(path: socket)
                } catch {
                    setupError.withLock { $0 = "\(error)" }
                    connected.signal()
                    return
                }
                connected.signal()
                go.wait()
                let deadline = start.withLock { $0 } + seconds
                var index = 0
                var now = Monotonic.now()
                while now < deadline {
                    guard let bytes = request(client, index) else {
                        result.exhausted = true
                        break
                    }
                    index += 1
                    do {
                        let answer = try connection.roundTrip(bytes)
                        if answer.status == expect {
                            result.ok += 1
                            if result.sampleResponse.isEmpty { result.sampleResponse = answer.raw }
                        } else {
                            result.failed += 1
                            if result.firstFailure == nil {
                                result.firstFailure = "\(answer.status) \(String(decoding: answer.body.prefix(300), as: UTF8.self))"
                            }
                        }
                    } catch {
                        result.failed += 1
                        if result.firstFailure == nil { result.firstFailure = "\(error)" }
                        break
                    }
                    now = Monotonic.now()
                }
                result.seconds = now - start.withLock { $0 }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        for _ in 0..<clients { connected.wait() }
        if let error = setupError.withLock({ $0 }) {
            start.withLock { $0 = Monotonic.now() - seconds }  // let every thread finish at once
            for _ in 0..<clients { go.signal() }
            for _ in 0..<clients { done.wait() }
            throw BenchError("cannot connect to \(socket): \(error)")
        }
        start.withLock { $0 = Monotonic.now() }
        for _ in 0..<clients { go.signal() }
        for _ in 0..<clients { done.wait() }
        let all = results.withLock { $0 }
        var total = LoadResult()
        for part in all {
            total.ok += part.ok
            total.failed += part.failed
            total.seconds = max(total.seconds, part.seconds)
            total.exhausted = total.exhausted || part.exhausted
            if total.firstFailure == nil { total.firstFailure = part.firstFailure }
            if total.sampleResponse.isEmpty { total.sampleResponse = part.sampleResponse }
        }
        return total
    }
}
