import Glibc

/// A child process started with `posix_spawn` and an empty environment.
struct ChildProcess {
    /// The child's process id.
    let pid: pid_t

    /// Starts `arguments[0]` (an absolute path) with `arguments` as its argv.
    init(_ arguments: [String]) throws {
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var environment: [UnsafeMutablePointer<CChar>?] = [nil]
        var child: pid_t = 0
        let result = posix_spawn(&child, arguments[0], nil, nil, &argv, &environment)
        guard result == 0 else { throw SystemCallError(call: "posix_spawn \(arguments[0])", code: result) }
        pid = child
    }

    /// Waits up to `timeoutSeconds` for the child to exit, then terminates it, and
    /// returns its exit status (128 + signal number if a signal ended it).
    @discardableResult
    func reap(timeoutSeconds: Int = 5) -> Int32 {
        var status: Int32 = 0
        var waited = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            guard waited < timeoutSeconds * 100 else {
                kill(pid, SIGTERM)
                waitpid(pid, &status, 0)
                break
            }
            usleep(10_000)
            waited += 1
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// The absolute path of an executable built next to the running test binary.
    static func siblingExecutable(_ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let testBinary = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = testBinary.lastIndex(of: "/") else { return nil }
        let path = testBinary[..<slash] + "/" + name
        return access(path, X_OK) == 0 ? path : nil
    }
}
