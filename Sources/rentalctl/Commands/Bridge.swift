import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import RentalClient
import RentalProtocol

/// `rentalctl bridge`: the far end of `rentalctl -H`. ssh runs it on the daemon's server as the user who
/// logged in; it connects to the daemon's socket and copies bytes between that and its standard input and
/// output, so that the daemon's `SO_PEERCRED` names that user and `[access]` applies unchanged.
///
/// It can be the only thing a key may run: `restrict,command="rentalctl bridge" ssh-ed25519 …` in
/// `authorized_keys`. Exit status: 0 when the daemon or the client ended the connection; 69 no daemon
/// (no socket, nothing answers); 77 the socket's permissions refuse this user; 74 reading or writing failed.
struct Bridge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge",
        abstract: tr("Connect standard input and output to the daemon's socket (what `rentalctl -H` runs over ssh).", "Соединить стандартный ввод и вывод с сокетом службы (это запускает `rentalctl -H` через ssh)."),
        discussion: tr("""
            Not for typing: ssh runs it on the server for `rentalctl -H`. It may be the only command an ssh key \
            allows: restrict,command="rentalctl bridge" in authorized_keys.
            """, """
            Не для ручного запуска: ssh запускает её на сервере для `rentalctl -H`. Это может быть единственная \
            команда, разрешённая ключу ssh: restrict,command="rentalctl bridge" в authorized_keys.
            """))

    @Option(name: .long, help: ArgumentHelp(tr("The daemon's socket (default: $RENTALD_SOCKET, else the system socket).", "Сокет службы (по умолчанию $RENTALD_SOCKET, иначе системный)."), valueName: "path"))
    var socket: String?

    func run() throws {
        let path = RentalPaths.clientSocket(explicit: socket ?? SharedClient.socketBeforeSubcommand, environment: ProcessInfo.processInfo.environment,
                                            exists: { FileManager.default.fileExists(atPath: $0) })
        let connection = try connect(path)
        signal(SIGPIPE, SIG_IGN)
        let status = BridgePump(socket: connection).run()
        close(connection)
        if status != 0 { throw ExitCode(status) }
    }

    /// A connected socket, or the reason in the user's language on standard error and the bridge's exit status.
    private func connect(_ path: String) throws -> CInt {
        let user = getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "uid \(getuid())"
        func fail(_ status: Int32, _ english: String, _ russian: String) -> ExitCode {
            Console.writeError("rentalctl bridge: " + tr(english, russian) + "\n")
            return ExitCode(status)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw fail(ExitStatus.usage, "the socket path is too long: \(path)", "слишком длинный путь к сокету: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw fail(BridgeExit.noDaemon, "cannot open a socket", "не удалось открыть сокет") }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected != 0 else { return fd }
        let code = errno
        close(fd)
        switch code {
        case ENOENT, ENOTDIR:
            throw fail(BridgeExit.noDaemon,
                       "no rentald socket at \(path) on this server: rentald is not installed or its socket is not enabled (administrator: systemctl enable --now rentald.socket)",
                       "на этом сервере нет сокета rentald \(path): rentald не установлен или его сокет не включён (администратору: systemctl enable --now rentald.socket)")
        case ECONNREFUSED:
            throw fail(BridgeExit.noDaemon,
                       "nothing answers at \(path) on this server: rentald is not running (administrator: systemctl start rentald.socket)",
                       "по адресу \(path) на этом сервере никто не отвечает: rentald не запущен (администратору: systemctl start rentald.socket)")
        case EACCES, EPERM:
            throw fail(BridgeExit.noPermission,
                       "user \(user) may not open \(path) on this server: the administrator adds it to the socket's group (usermod -aG rental \(user))",
                       "пользователю \(user) нельзя открыть \(path) на этом сервере: администратор добавляет его в группу сокета (usermod -aG rental \(user))")
        default:
            throw fail(BridgeExit.noDaemon, "cannot connect to \(path): \(String(cString: strerror(code)))",
                       "не удалось подключиться к \(path): \(String(cString: strerror(code)))")
        }
    }
}

/// Copies standard input to a socket and the socket to standard output until the socket's side ends,
/// without blocking on either (a large request and a large answer can cross).
struct BridgePump {
    let socket: CInt
    private static let capacity = 64 * 1024

    /// Runs until the daemon closes the connection (or the client's side is gone): 0, or 74 on an I/O error.
    func run() -> Int32 {
        // Non-blocking, so that a write never waits while the other direction has bytes to move; standard
        // input and output only when they are ssh's pipes, not a terminal.
        for fd in [socket, 0, 1] where fd == socket || isatty(fd) == 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        var toSocket = Buffer(capacity: Self.capacity)
        var toOutput = Buffer(capacity: Self.capacity)
        var inputOpen = true      // standard input not at its end yet
        var socketReadable = true // the daemon has not closed its side
        var socketWritable = true
        while socketReadable || !toOutput.isEmpty {
            let wantInput = inputOpen && toSocket.isEmpty && socketWritable
            let wantSocketIn = socketReadable && toOutput.isEmpty
            let wantSocketOut = !toSocket.isEmpty
            let wantOutput = !toOutput.isEmpty
            var fds = [
                pollfd(fd: wantInput ? 0 : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wantSocketIn || wantSocketOut ? socket : -1,
                       events: Int16((wantSocketIn ? POLLIN : 0) | (wantSocketOut ? POLLOUT : 0)), revents: 0),
                pollfd(fd: wantOutput ? 1 : -1, events: Int16(POLLOUT), revents: 0),
            ]
            guard Glibc.poll(&fds, nfds_t(fds.count), -1) >= 0 else {
                if errno == EINTR { continue }
                return 74
            }
            if wantInput && fds[0].revents != 0, toSocket.fill(from: 0) != .data {
                inputOpen = false
            }
            if wantSocketOut && fds[1].revents != 0, !toSocket.drain(to: socket) {
                // The daemon stopped reading (it answered and closed): drop the rest, keep reading its answer.
                socketWritable = false
                toSocket.clear()
            }
            if wantSocketIn && fds[1].revents != 0, toOutput.fill(from: socket) != .data {
                socketReadable = false
            }
            if wantOutput && fds[2].revents != 0, !toOutput.drain(to: 1) {
                // The client (ssh) is gone: nobody will read the rest.
                return 0
            }
            if !inputOpen && toSocket.isEmpty && socketWritable {
                // The client is done sending: let the daemon see the end of its requests.
                _ = shutdown(socket, Int32(SHUT_WR))
                socketWritable = false
            }
        }
        return 0
    }

    /// Bytes read but not yet written.
    struct Buffer {
        private var bytes: [UInt8]
        private var start = 0
        private var end = 0

        init(capacity: Int) { bytes = [UInt8](repeating: 0, count: capacity) }

        var isEmpty: Bool { start == end }
        mutating func clear() { start = 0; end = 0 }

        enum Read { case data, end, failed }

        /// Reads what `fd` has into the (empty) buffer.
        mutating func fill(from fd: CInt) -> Read {
            while true {
                let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    start = 0
                    end = count
                    return .data
                }
                if count == 0 { return .end }
                if errno == EINTR { continue }
                if errno == EAGAIN { return .data }
                return .failed
            }
        }

        /// Writes as much as `fd` takes; false when writing failed.
        mutating func drain(to fd: CInt) -> Bool {
            while start < end {
                let count = bytes.withUnsafeBytes { [start, end] raw in
                    raw.baseAddress.map { Glibc.write(fd, $0 + start, end - start) } ?? -1
                }
                if count > 0 {
                    start += count
                    continue
                }
                if count < 0 && errno == EINTR { continue }
                if count < 0 && errno == EAGAIN { return true }
                return false
            }
            clear()
            return true
        }
    }
}
