// journal-probe: the sending half of Tests/journal-test.sh. It talks to whatever
// journald owns /run/systemd/journal/socket, so run it only inside the private
// mount namespace that script sets up.
//
//   journal-probe unavailable       expect ENOENT (no socket), exit 0 if so
//   journal-probe refused           expect ECONNREFUSED (stale socket), exit 0 if so
//   journal-probe fields RUN        send sample entries, print each as a JSON line
//   journal-probe flood RUN COUNT   send COUNT entries, print one summary line
import Glibc
import Systemd

let writer = JournalWriter()
let arguments = Array(CommandLine.arguments.dropFirst())

switch (arguments.first, arguments.count) {
case ("unavailable", 1):
    expectFailure(errno: ENOENT, socketPresent: false)
case ("refused", 1):
    expectFailure(errno: ECONNREFUSED, socketPresent: true)
case ("fields", 2):
    sendSampleEntries(run: arguments[1])
case ("flood", 3):
    guard let count = Int(arguments[2]), count > 0 else { fail("COUNT must be a positive integer") }
    flood(run: arguments[1], count: count)
default:
    fail("usage: journal-probe unavailable | refused | fields RUN | flood RUN COUNT")
}

/// Checks that sending fails with `errno` and that `isJournalAvailable` agrees.
func expectFailure(errno expected: Int32, socketPresent: Bool) {
    guard JournalWriter.isJournalAvailable == socketPresent else {
        fail("isJournalAvailable is \(!socketPresent), expected \(socketPresent)")
    }
    do {
        try writer.send("probe entry that must not arrive", priority: .info)
        fail("send succeeded, expected errno \(expected)")
    } catch {
        guard error == .sendFailed(errno: expected) else { fail("unexpected error: \(error)") }
        print("ok: \(error)")
    }
}

/// Sends entries covering the field kinds journald must keep byte for byte, and
/// prints every entry's fields as they must appear in the journal.
func sendSampleEntries(run: String) {
    let opened: [(name: String, value: String)] = [
        ("MESSAGE", "Rental point opened"),
        ("PRIORITY", "6"),
        ("MESSAGE_ID", "5b7c0a9d1e2f4c3b8a6d0e1f2a3b4c5d"),
        ("PROBE_RUN", run),
        ("PROBE_ENTRY", "opened"),
        ("RENTAL_ITEM", "Рябинушка"),
        ("RENTAL_NOTE", "first line\nsecond line = with equals\n\tindented third line\n"),
    ]
    let overdueFields: [(name: String, value: String)] = [
        ("MESSAGE_ID", "9e8d7c6b5a4f43e2b1c0d9e8f7a6b5c4"),
        ("PROBE_RUN", run),
        ("PROBE_ENTRY", "overdue"),
        ("RENTAL_BORROWER", "Анна Рябинина ✓ 🪜"),
    ]
    let overdueMessage = "Return overdue:\nladder, 3 days"
    do {
        try writer.send(opened)
        try writer.send(overdueMessage, priority: .err, fields: overdueFields)
    } catch {
        fail("send failed: \(error)")
    }
    printJSONLine(opened)
    printJSONLine([("MESSAGE", overdueMessage), ("PRIORITY", "3")] + overdueFields)
}

/// Sends `count` small entries as fast as possible and reports how many `sendv` calls succeeded.
func flood(run: String, count: Int) {
    var failures: [Int32: Int] = [:]
    let clock = ContinuousClock()
    let start = clock.now
    for sequence in 0 ..< count {
        do {
            try writer.send("flood \(sequence)", priority: .info, fields: [
                ("PROBE_RUN", run),
                ("FLOOD_SEQ", String(sequence)),
            ])
        } catch {
            if case .sendFailed(let code) = error { failures[code, default: 0] += 1 } else { fail("\(error)") }
        }
    }
    let elapsed = (clock.now - start).components
    let milliseconds = elapsed.seconds * 1_000 + elapsed.attoseconds / 1_000_000_000_000_000
    let failed = failures.values.reduce(0, +)
    let detail = failures.sorted { $0.key < $1.key }.map { "errno\($0.key):\($0.value)" }.joined(separator: ",")
    print("flood sent=\(count) ok=\(count - failed) failed=\(failed) elapsed_ms=\(milliseconds) errors=[\(detail)]")
}

/// Prints `message` to standard error and exits with status 1.
func fail(_ message: String) -> Never {
    var line = "journal-probe: \(message)\n"
    line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(1)
}
