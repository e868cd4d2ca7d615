import Glibc
import Testing
import Systemd

private let socketActivate = "/usr/bin/systemd-socket-activate"

/// File descriptor passing is tested in a child process started by
/// `systemd-socket-activate`: swapping a socket onto fd 3 of the test process
/// would race with other tests that open files at the same time.
@Suite("SocketActivation")
struct ListenFDsTests {
    @Test(.enabled(if: access(socketActivate, X_OK) == 0, "needs systemd-socket-activate"))
    func returnsSocketPassedBySystemdSocketActivate() throws {
        let probe = try #require(ChildProcess.siblingExecutable("listen-fds-probe"), "build listen-fds-probe first")
        let directory = try TemporaryDirectory()
        defer { directory.remove("rentald.sock") }
        let path = directory.path + "/rentald.sock"
        let activator = try ChildProcess([socketActivate, "--listen=\(path)", "--fdname=rentald", probe])
        defer { activator.reap() }

        let client = try UnixSocket(connectingTo: path)
        defer { client.close() }
        #expect(client.receive(timeoutSeconds: 5)
            == "fds=[3] unix-stream=[true] cloexec=true env-cleared=true second-call=[]\n")
        #expect(activator.reap() == 0)
    }

    @Test func recognisesOnlyUnixStreamSockets() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove("stream", "datagram") }
        let stream = try UnixSocket(type: SOCK_STREAM, boundTo: directory.path + "/stream")
        defer { stream.close() }
        let datagram = try UnixSocket(type: SOCK_DGRAM, boundTo: directory.path + "/datagram")
        defer { datagram.close() }
        var pipeEnds: [Int32] = [-1, -1]
        try #require(pipe(&pipeEnds) == 0)
        defer { pipeEnds.forEach { close($0) } }

        #expect(SocketActivation.isUnixStreamSocket(fd: stream.fd))
        #expect(!SocketActivation.isUnixStreamSocket(fd: datagram.fd))
        #expect(!SocketActivation.isUnixStreamSocket(fd: pipeEnds[0]))
        #expect(!SocketActivation.isUnixStreamSocket(fd: -1))
    }
}

extension ProcessStateTests {
    @Suite("SocketActivation environment")
    struct ListenEnvironmentTests {
        @Test func ignoresSocketsMeantForAnotherProcess() {
            withEnvironment(["LISTEN_PID": String(getppid()), "LISTEN_FDS": "1"]) {
                #expect(SocketActivation.listenFileDescriptors() == [])
                #expect(getenv("LISTEN_FDS") == nil)
            }
        }

        @Test func isEmptyWithoutSocketActivation() {
            withEnvironment(["LISTEN_PID": nil, "LISTEN_FDS": nil]) {
                #expect(SocketActivation.listenFileDescriptors() == [])
            }
        }
    }
}
