#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RentalProtocol

/// A server that runs rentald, reached over ssh: `[user@]host[:port]` as `rentalctl -H` and `RENTALD_HOST` take it.
///
/// The client starts the system `ssh` (so `~/.ssh/config`, agents, jump hosts and host-key checking work as the
/// user expects) with the command `rentalctl bridge` on the far side, which connects to the daemon's socket as
/// the logged-in user and copies bytes both ways. Host names, users and ports are checked here so that nothing
/// from the environment can become an ssh option.
public struct RemoteHost: Sendable, Equatable, CustomStringConvertible {
    /// The user to log in as; nil lets ssh decide (its configuration, else the local user name).
    public let user: String?
    /// The host name, alias from `~/.ssh/config` or address (an IPv6 address without brackets).
    public let host: String
    /// The ssh port; nil lets ssh decide.
    public let port: Int?

    /// Parses `[user@]host[:port]`; an IPv6 address with a port is written `[2001:db8::1]:2222`.
    public init(parsing text: String) throws(RentalError) {
        func invalid(_ problem: String) -> RentalError {
            RentalError(.invalidInput, "host: \(problem) (expected [user@]host[:port])")
        }
        guard !text.isEmpty else { throw invalid("empty") }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !"'\"\\`$;&|<>(){}*?!#,%".unicodeScalars.contains($0) }) else {
            throw invalid("contains a space, a control or a shell character")
        }
        var rest = Substring(text)
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            let name = rest[..<at]
            guard !name.isEmpty, !name.hasPrefix("-"), !name.contains(":"), !name.contains("@") else { throw invalid("bad user name") }
            user = String(name)
            rest = rest[rest.index(after: at)...]
        }
        var port: Int?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw invalid("unclosed [") }
            let after = rest[rest.index(after: close)...]
            let address = rest[rest.index(after: rest.startIndex)..<close]
            guard !address.isEmpty else { throw invalid("empty address") }
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("text after ]") }
                port = try Self.port(after.dropFirst(), invalid)
            }
            rest = address
        } else if rest.filter({ $0 == ":" }).count == 1, let colon = rest.firstIndex(of: ":") {
            port = try Self.port(rest[rest.index(after: colon)...], invalid)
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { throw invalid("no host name") }
        guard !rest.hasPrefix("-") else { throw invalid("a host name cannot start with -") }
        guard !rest.contains("[") && !rest.contains("]") && !rest.contains("/") else { throw invalid("bad host name") }
        self.user = user
        self.host = String(rest)
        self.port = port
    }

    private static func port(_ text: Substring, _ invalid: (String) -> RentalError) throws(RentalError) -> Int {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(text), (1...65535).contains(port) else {
            throw invalid("the port must be a number from 1 to 65535")
        }
        return port
    }

    /// `user@host` as ssh takes it.
    public var destination: String {
        user.map { "\($0)@\(host)" } ?? host
    }

    /// `[user@]host[:port]`, as it was given.
    public var description: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return (user.map { "\($0)@" } ?? "") + name + (port.map { ":\($0)" } ?? "")
    }
}

/// How the client starts ssh for a ``RemoteHost``: the program, extra options and the far side's command.
public struct SSHSettings: Sendable, Equatable {
    /// The ssh program (looked up in `PATH`).
    public var program: String
    /// Options placed before rentalctl's own, so that they win (ssh keeps the first value of an option):
    /// `-F FILE`, `-i KEY`, `-J JUMP`, `-o Option=value`.
    public var options: [String]
    /// `rentalctl` on the far side: a name looked up in the login's `PATH`, or an absolute path.
    public var remoteRentalctl: String
    /// Run ssh with `BatchMode=yes` (no passphrase, password or host-key question): when the caller has no
    /// terminal to answer on. ssh never accepts an unknown or changed host key in batch mode.
    public var batchMode: Bool
    /// Keep the ssh session open between requests (HTTP keep-alive through the bridge). Off, each request
    /// starts its own ssh: only for measuring what the reuse saves.
    public var reuseConnection: Bool

    /// Settings with these values.
    public init(program: String = "ssh", options: [String] = [], remoteRentalctl: String = "rentalctl",
                batchMode: Bool = true, reuseConnection: Bool = true) {
        self.program = program
        self.options = options
        self.remoteRentalctl = remoteRentalctl
        self.batchMode = batchMode
        self.reuseConnection = reuseConnection
    }

    /// The environment variable with extra ssh options, split at spaces (no shell quoting).
    public static let optionsVariable = "RENTALD_SSH_OPTIONS"
    /// The environment variable naming `rentalctl` on the far side.
    public static let remoteRentalctlVariable = "RENTALD_REMOTE_RENTALCTL"
    /// The environment variable that turns connection reuse off (`no`).
    public static let reuseVariable = "RENTALD_SSH_REUSE"

    /// Settings from `RENTALD_SSH_OPTIONS`, `RENTALD_REMOTE_RENTALCTL` and `RENTALD_SSH_REUSE`; batch mode
    /// unless standard input is a terminal.
    public static func fromEnvironment(_ environment: [String: String], interactive: Bool) -> SSHSettings {
        SSHSettings(
            options: (environment[optionsVariable] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init),
            remoteRentalctl: environment[remoteRentalctlVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "rentalctl",
            batchMode: !interactive,
            reuseConnection: environment[reuseVariable].map { !["no", "0", "false", "off"].contains($0.lowercased()) } ?? true)
    }

    /// The ssh command line for `host`, with `socket` passed to the bridge when given.
    public func arguments(for host: RemoteHost, socket: String?) -> [String] {
        var arguments = [program] + options
        // -T: no terminal (the session carries bytes); -x, -a: no X11 or agent forwarding; -e none: no escape
        // character; no port forwardings from the user's configuration (they could fail and end the session).
        arguments += ["-T", "-x", "-a", "-e", "none", "-o", "ClearAllForwardings=yes"]
        if batchMode { arguments += ["-o", "BatchMode=yes"] }
        if let port = host.port { arguments += ["-p", "\(port)"] }
        arguments += ["--", host.destination, remoteCommand(socket: socket)]
        return arguments
    }

    /// The command line the far side's shell runs: `rentalctl bridge [--socket PATH]`, each word quoted.
    public func remoteCommand(socket: String?) -> String {
        var words = [remoteRentalctl, "bridge"]
        if let socket { words += ["--socket", socket] }
        return words.map(Self.shellQuoted).joined(separator: " ")
    }

    /// A word as a POSIX shell reads it back unchanged (bare when it holds only safe characters).
    static func shellQuoted(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic && scalar.isASCII || ("0"..."9").contains(scalar) || "-_./=:@+,".unicodeScalars.contains(scalar)
        }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
