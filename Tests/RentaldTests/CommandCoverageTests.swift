import Foundation
import Testing

/// Every operation of the API has a `rentalctl` command, or is listed as deliberately API-only with the
/// reason: the route table (`rentald --routes`) is the list of operations, and each command named here must
/// exist (its `--help` exits 0).
@Suite("Every operation has a command")
struct CommandCoverageTests {
    /// The command that calls each operation.
    static let commands: [String: [String]] = [
        "getHealth": ["status"],
        "listCentres": ["centres", "list"],
        "addCentre": ["centres", "add"],
        "getCentre": ["centres", "show"],
        "setOpenDays": ["centres", "open-days"],
        "addClosure": ["centres", "close-day"],
        "removeClosure": ["centres", "remove-closure"],
        "shiftDueDates": ["centres", "shift-due-dates"],
        "listItemTypes": ["catalogue", "list"],
        "addItemType": ["catalogue", "add"],
        "getItemType": ["catalogue", "show"],
        "listUnits": ["units", "list"],
        "addUnit": ["units", "add"],
        "getUnit": ["units", "show"],
        "changeUnitStatus": ["units", "retire"],
        "recordSafetyCheck": ["units", "safety-check"],
        "getStock": ["stock"],
        "getAvailability": ["available"],
        "findFamilies": ["families", "find"],
        "registerFamily": ["families", "add"],
        "getFamily": ["families", "show"],
        "getFamilyCard": ["families", "show"],
        "updateFamily": ["families", "edit"],
        "setFamilyStatus": ["families", "suspend"],
        "listRules": ["rules", "list"],
        "setRule": ["rules", "set"],
        "removeRule": ["rules", "remove"],
        "getEffectiveRule": ["rules", "effective"],
        "listLoans": ["loans"],
        "checkout": ["checkout"],
        "getLoan": ["loan"],
        "renewLoan": ["renew"],
        "markLoanLost": ["lost"],
        "returnUnit": ["return"],
        "listNotices": ["notices"],
        "scanNotices": ["overdue", "scan"],
        "createBackup": ["backup"],
        "verifyAudit": ["audit", "verify"],
        "listAuditEvents": ["audit", "list"],
        "getLoanDocument": ["print", "contract"],
        "getFamilyDocument": ["print", "card"],
        "getLabelSheet": ["print", "labels"],
        "listReservations": ["reservations", "list"],
        "reserve": ["reserve"],
        "cancelReservation": ["reservations", "cancel"],
        "getReservation": ["reservations", "show"],
        "listHolds": ["holds", "list"],
        "cancelHold": ["holds", "cancel"],
        "sendUnit": ["units", "send"],
        "receiveUnit": ["units", "receive"],
        "listTransfers": ["transfers", "list"],
        "listTransferProposals": ["transfers", "proposals"],
        "recallItemType": ["recall", "run"],
        "liftRecall": ["recall", "lift"],
        "importRegister": ["import"],
        "exportRegister": ["export"],
        "eraseFamily": ["families", "erase"],
        "exportFamily": ["families", "export"],
        "anonymiseFamilies": ["privacy", "anonymise"],
        "getReport": ["report"],
    ]

    /// Operations with no command on purpose, and why.
    static let apiOnly: [String: String] = [
        "setRecall": "the older recall switch; `rentalctl recall` and `rentalctl recall lift` call recallItemType and liftRecall",
        "listHoldNotices": "for services that text families; staff see the same notices in the journal (`journalctl -u rentald RENTAL_NOTICE=hold-ready`)",
    ]

    @Test("each operation in the route table has a command or a reason")
    func everyOperationCovered() async throws {
        let operations = Set(try await RouteEntry.load().map(\.operationId))
        let covered = Set(Self.commands.keys).union(Self.apiOnly.keys)
        #expect(operations.subtracting(covered).isEmpty,
                "operations with no rentalctl command (add one, or list it in apiOnly with the reason): \(operations.subtracting(covered).sorted())")
        #expect(covered.subtracting(operations).isEmpty, "listed operations the daemon does not have: \(covered.subtracting(operations).sorted())")
        #expect(Set(Self.commands.keys).isDisjoint(with: Self.apiOnly.keys), "an operation is both covered and API-only")
    }

    @Test("each command named exists", arguments: Set(commands.values))
    func commandExists(_ command: [String]) async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("help-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try Spawn([CLITests.binary] + command + ["--help"], environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"],
                              outputPath: output)
        #expect(await child.wait() == 0, "rentalctl \(command.joined(separator: " ")) --help: \(child.output)")
        #expect(child.output.contains("USAGE: rentalctl \(command.joined(separator: " "))"), "\(child.output)")
    }
}
