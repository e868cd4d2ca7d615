import Foundation
import Glibc

/// The raw socket baseline: the simplest Unix-socket server, answering every request with the same bytes
/// (a response captured from rentald for the same request, so the sizes match). A thread per
/// connection, blocking reads and writes: what any server must at least spend per round trip.
/// Runs as its own process (`rental-bench serve-fixed`), like the daemon, until killed.
enum FixedServer {
    /// Serves `response` on `socketPath` forever; touches `readyFile` once listening.
    static func serve(socketPath: String, response: [UInt8], readyFile: String) throws -> Never {
        let listener = try UnixSocket.bind(socketPath, type: SOCK_STREAM)
        _ = FileManager.default.createFile(atPath: readyFile, contents: Data())
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                throw BenchError("accept: \(String(cString: strerror(errno)))")
            }
            let thread = Thread {
                var reader = HTTPReader()
                while (try? reader.next(from: fd)) != nil {
                    guard (try? UnixSocket.writeAll(fd, response)) != nil else { break }
                }
                close(fd)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }
}
