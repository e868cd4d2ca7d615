import Logging
import Synchronization

/// The daemon's log level, shared by every logger and changed by a configuration reload.
final class LogLevelControl: Sendable {
    static let shared = LogLevelControl()
    private let level = Mutex(Logger.Level.info)

    var current: Logger.Level { level.withLock { $0 } }
    func set(_ new: Logger.Level) { level.withLock { $0 = new } }
}

/// Wraps a handler so that its level is always the daemon's current one.
struct LevelControlledHandler<Inner: LogHandler>: LogHandler {
    var inner: Inner

    var logLevel: Logger.Level {
        get { LogLevelControl.shared.current }
        set { LogLevelControl.shared.set(newValue) }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        inner.log(event: event)
    }
}
