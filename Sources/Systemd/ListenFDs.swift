import CSystemd
import Glibc

/// Sockets handed over by the service manager (socket activation, `sd_listen_fds(3)`).
public enum SocketActivation {
    /// The file descriptors passed to this process, numbered from
    /// `SD_LISTEN_FDS_START` (3) upwards; empty when none were passed, when they
    /// were meant for another process (`LISTEN_PID`) or when the variables are malformed.
    ///
    /// Unsets `LISTEN_PID`, `LISTEN_FDS` and `LISTEN_FDNAMES` so that child
    /// processes do not believe the descriptors are theirs, and marks the
    /// descriptors close-on-exec. Consequently only the first call returns them.
    public static func listenFileDescriptors() -> [Int32] {
        let count = sd_listen_fds(1)
        guard count > 0 else { return [] }
        return Array(SD_LISTEN_FDS_START ..< SD_LISTEN_FDS_START + count)
    }

    /// Whether `fd` is a Unix-domain stream socket (listening or not), via `sd_is_socket_unix(3)`.
    ///
    /// - Parameter fd: The file descriptor to inspect.
    public static func isUnixStreamSocket(fd: Int32) -> Bool {
        sd_is_socket_unix(fd, Int32(SOCK_STREAM.rawValue), -1, nil, 0) > 0
    }
}
