// listen-fds-probe: started by SystemdTests through `systemd-socket-activate -l PATH`,
// so that file descriptor passing is tested in a process of its own (fd numbers are
// process-wide, and the test process runs other tests in parallel). It reports what
// SocketActivation saw to the first client that connects, then exits.
import Glibc
import Systemd

let descriptors = SocketActivation.listenFileDescriptors()
let streams = descriptors.map { SocketActivation.isUnixStreamSocket(fd: $0) }
let closeOnExec = descriptors.allSatisfy { fcntl($0, F_GETFD) & FD_CLOEXEC != 0 }
let variables: [String] = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"]
let cleared = variables.allSatisfy { getenv($0) == nil }
let secondCall = SocketActivation.listenFileDescriptors()
var report = "fds=\(descriptors) unix-stream=\(streams) cloexec=\(closeOnExec) env-cleared=\(cleared) second-call=\(secondCall)\n"

guard let listener = descriptors.first else {
    print("listen-fds-probe: no file descriptors passed")
    exit(1)
}
let connection = accept(listener, nil, nil)
guard connection >= 0 else { exit(1) }
let written = report.withUTF8 { write(connection, $0.baseAddress, $0.count) }
close(connection)
exit(written == report.utf8.count ? 0 : 1)
