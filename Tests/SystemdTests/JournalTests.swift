import Glibc
import Testing
@testable import Systemd

/// Journal behaviour that needs no journald. Sending to a real journald is covered
/// by `Tests/journal-test.sh`, which runs one in a private mount namespace.
@Suite("JournalWriter")
struct JournalTests {
    let writer = JournalWriter()

    @Test(arguments: ["", "lower", "_PID", "9LIVES", "WITH-DASH", "WITH SPACE", "RYABINUSHKA_Ё", String(repeating: "A", count: 65)])
    func rejectsInvalidFieldNamesBeforeSending(_ name: String) {
        #expect(throws: JournalError.invalidFieldName(name)) {
            try writer.send([("MESSAGE", "hello"), (name, "value")])
        }
    }

    @Test(arguments: ["MESSAGE", "MESSAGE_ID", "A", "RENTAL_ITEM_2", String(repeating: "Z", count: 64)])
    func acceptsValidFieldNames(_ name: String) {
        #expect(JournalFieldName.isValid(name))
    }

    @Test func errorsNameTheFieldButNeverTheValue() {
        do {
            try writer.send([("MESSAGE", "public"), ("borrower_phone", "+7 900 123-45-67")])
            Issue.record("send with an invalid field name succeeded")
        } catch {
            #expect(error == .invalidFieldName("borrower_phone"))
            #expect(error.description.contains("borrower_phone"))
            #expect(!error.description.contains("123-45-67"))
        }
    }

    @Test func rejectsEmptyEntry() {
        #expect(throws: JournalError.emptyEntry) { try writer.send([]) }
    }

    @Test func describesErrnoFailures() {
        #expect(JournalError.sendFailed(errno: ECONNREFUSED).description.contains("Connection refused"))
    }

    @Test func prioritiesMatchSyslogLevels() {
        #expect(JournalPriority.allCases.map(\.rawValue) == Array(0 ... 7))
        #expect(JournalPriority.emerg.rawValue == LOG_EMERG)
        #expect(JournalPriority.debug.rawValue == LOG_DEBUG)
    }

    @Test(.enabled(if: !JournalWriter.isJournalAvailable, "a journald is listening on this machine"))
    func failsWithENOENTWhenJournaldIsAbsent() {
        #expect(throws: JournalError.sendFailed(errno: ENOENT)) {
            try writer.send("nobody is listening", priority: .info)
        }
    }
}
