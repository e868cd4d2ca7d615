import Foundation
import Glibc
import Synchronization

/// Monotonic time, for measuring durations.
enum Monotonic {
    /// Seconds on `CLOCK_MONOTONIC`.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Runs `body` and returns how long it took, in seconds, with its result.
    static func time<T>(_ body: () throws -> T) rethrows -> (seconds: Double, value: T) {
        let start = now()
        let value = try body()
        return (now() - start, value)
    }

    /// Runs async `body` and returns how long it took, in seconds, with its result.
    static func time<T>(_ body: () async throws -> T) async rethrows -> (seconds: Double, value: T) {
        let start = now()
        let value = try await body()
        return (now() - start, value)
    }
}

/// Order statistics of a sample.
struct Sample {
    /// The values, sorted.
    let sorted: [Double]

    init(_ values: [Double]) { sorted = values.sorted() }

    /// The value at quantile `q` (nearest rank); 0 for an empty sample.
    func quantile(_ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// The median (the mean of the two middle values for an even count).
    var median: Double {
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The 90th percentile.
    var p90: Double { quantile(0.9) }
}

/// Number formatting for the report.
enum Format {
    /// `12,345` with thousands separators.
    static func count(_ value: Double) -> String {
        let whole = Int(value.rounded())
        let digits = String(abs(whole))
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(character)
        }
        return (whole < 0 ? "-" : "") + grouped
    }

    /// A rate: `3,120/s`.
    static func rate(_ value: Double) -> String { count(value) + "/s" }

    /// Seconds shown as milliseconds with sensible precision.
    static func millis(_ seconds: Double) -> String {
        let ms = seconds * 1000
        return ms >= 100 ? "\(Int(ms.rounded())) ms" : String(format: "%.1f ms", ms)
    }

    /// A ratio: `0.83×`.
    static func ratio(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        return value >= 100 ? String(format: "%.0f×", value) : value >= 10 ? String(format: "%.1f×", value) : String(format: "%.2f×", value)
    }

    /// Kibibytes shown as MB (10^6 bytes, as the targets are written).
    static func megabytes(kibibytes: Int) -> String {
        String(format: "%.1f MB", Double(kibibytes) * 1024 / 1_000_000)
    }
}

/// A value shared between threads behind a lock (a class, so closures can capture it).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    /// Runs `body` with the value locked.
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try mutex.withLock { try body(&$0) }
    }

    /// The value now.
    var value: Value { mutex.withLock { $0 } }
}

/// Prints a progress line at once (stdout is a pipe under benchmarks/run.sh).
func say(_ text: String) {
    print(text)
    fflush(nil)
}
