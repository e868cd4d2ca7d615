import Glibc

/// Runs `body` with environment variables set (a `String`) or unset (`nil`),
/// restoring their previous values afterwards.
///
/// The environment is process-wide: only call this from suites nested in
/// ``ProcessStateTests``, which never run concurrently.
func withEnvironment<T>(_ variables: [String: String?], _ body: () throws -> T) rethrows -> T {
    let previous = variables.keys.map { name in (name, getenv(name).map { String(cString: $0) }) }
    defer { previous.forEach(setVariable) }
    variables.forEach(setVariable)
    return try body()
}

private func setVariable(_ name: String, _ value: String?) {
    if let value {
        setenv(name, value, 1)
    } else {
        unsetenv(name)
    }
}
