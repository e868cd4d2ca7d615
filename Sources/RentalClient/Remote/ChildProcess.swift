#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A child process started with `posix_spawnp`, its standard input and output on pipes that the caller
/// takes over, its standard error in an unlinked temporary file read back when it has exited.
final class ChildProcess: Sendable {
    /// The process id.
    let pid: pid_t
    /// The parent's end of the child's standard input (write to it).
    let input: CInt
    /// The parent's end of the child's standard output (read from it).
    let output: CInt
    private let errorFile: CInt
    private let status = Mutex<Termination?>(nil)

    /// How a child ended.
    enum Termination: Equatable, Sendable {
        /// `exit(code)`.
        case exited(Int32)
        /// Killed by a signal.
        case signalled(Int32)
    }

    /// What stopped the child from starting: the program is missing or could not be run.
    struct SpawnError: Error {
        let errno: Int32
    }

    /// Starts `arguments[0]` (looked up in `PATH`) with `arguments`, the parent's environment and its
    /// controlling terminal, so that a program such as ssh can still ask for a passphrase on `/dev/tty`.
    init(_ arguments: [String]) throws(SpawnError) {
        var toChild: [CInt] = [-1, -1]
        var fromChild: [CInt] = [-1, -1]
        guard pipe(&toChild) == 0 else { throw SpawnError(errno: errno) }
        guard pipe(&fromChild) == 0 else {
            let code = errno
            close(toChild[0]); close(toChild[1])
            throw SpawnError(errno: code)
        }
        // Only the child's dup2'ed copies (0 and 1) survive its exec.
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let errorFile = Self.temporaryFile()
        defer {
            close(toChild[0])
            close(fromChild[1])
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        if errorFile >= 0 { posix_spawn_file_actions_adddup2(&actions, errorFile, 2) }

        // The child starts with default signal handling (the parent may ignore SIGPIPE).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = argv[0].map { posix_spawnp(&pid, $0, &actions, &attributes, argv, envp) } ?? EINVAL
        guard result == 0 else {
            close(toChild[1]); close(fromChild[0])
            if errorFile >= 0 { close(errorFile) }
            throw SpawnError(errno: result)
        }
        self.pid = pid
        self.input = toChild[1]
        self.output = fromChild[0]
        self.errorFile = errorFile
    }

    deinit {
        if errorFile >= 0 { close(errorFile) }
    }

    /// An unlinked file under `$TMPDIR` (else `/tmp`) for the child's standard error, or -1.
    private static func temporaryFile() -> CInt {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/rentalctl-ssh-XXXXXX").utf8CString)
        guard let fd = template.withUnsafeMutableBufferPointer({ buffer in buffer.baseAddress.map { mkstemp($0) } }), fd >= 0 else {
            return -1
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { buffer in _ = buffer.baseAddress.map { unlink($0) } }
        return fd
    }

    /// How the child ended, if it has: never blocks.
    func poll() -> Termination? {
        status.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import (macros).
            let signal = raw & 0x7F
            known = signal == 0 ? .exited((raw >> 8) & 0xFF) : .signalled(signal)
            return known
        }
    }

    /// Waits up to `limit` for the child to end (checking every few milliseconds), then stops it with
    /// SIGTERM and waits for that.
    func waitForExit(within limit: Duration) async -> Termination {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            if let ended = poll() { return ended }
            try? await Task.sleep(for: .milliseconds(5))
        }
        terminate()
        while true {
            if let ended = poll() { return ended }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Sends SIGTERM unless the child has been reaped already.
    func terminate() {
        status.withLock { known in
            if known == nil { _ = kill(pid, SIGTERM) }
        }
    }

    /// What the child wrote to standard error, at most the last `limit` bytes, trimmed.
    func standardError(limit: Int = 2000) -> String {
        guard errorFile >= 0 else { return "" }
        let size = lseek(errorFile, 0, SEEK_END)
        guard size > 0 else { return "" }
        let start = max(0, Int(size) - limit)
        var bytes = [UInt8](repeating: 0, count: Int(size) - start)
        let count = bytes.withUnsafeMutableBytes { pread(errorFile, $0.baseAddress, $0.count, off_t(start)) }
        guard count > 0 else { return "" }
        let text = String(decoding: bytes.prefix(count), as: UTF8.self)
        return String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
