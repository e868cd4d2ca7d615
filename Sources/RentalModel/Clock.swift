#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Where RentalKit gets "now" from. Inject one to control time in tests or to replay a day.
public protocol RentalClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The system's wall clock.
public struct SystemClock: RentalClock {
    /// Creates the system clock.
    public init() {}
    /// The current instant.
    public func now() -> Date { Date() }
}

/// A clock that stands still until it is set or advanced; thread-safe.
public final class ManualClock: RentalClock {
    private let current: Mutex<Date>

    /// Creates a clock showing `instant`.
    public init(_ instant: Date) {
        current = Mutex(instant)
    }

    /// The instant the clock shows.
    public func now() -> Date { current.withLock { $0 } }

    /// Sets the clock.
    public func set(_ instant: Date) { current.withLock { $0 = instant } }

    /// Moves the clock forward (or back, with a negative interval).
    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
}
