import Foundation
import RentalPages
import Testing

/// Templates the administrator owns: a copy wins over the shipped default; a broken one is refused with
/// its file and line, by the loader and by `rentald --check-config`.
@Suite("administrator's templates")
struct TemplateTests {
    static func directory(_ files: [String: String]) throws -> URL {
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("templates-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return directory
    }

    static var sample: [String: Any] { PaperContext.loan(PaperSamples.loan, layout: PaperLayout(), printedOn: PaperSamples.loan.loan.issuedOn) }

    @Test("an administrator's copy wins; the other documents keep the shipped text")
    func copyWins() throws {
        let directory = try Self.directory(["contract.mustache": "<p>Договор {{loan.id}}: {{family.surname}}</p>\n"])
        let set = try TemplateSet.load(adminDirectory: directory.path)
        #expect(set.files["contract"] == directory.appendingPathComponent("contract.mustache").path)
        #expect(set.render(.contract, Self.sample) == "<p>Договор 1: Образцова</p>\n")
        #expect(set.files["handover"]?.hasPrefix(directory.path) == false)
        #expect(set.render(.handover, Self.sample).contains("Акт приёма-передачи"))
    }

    @Test("refused with file and line", arguments: [
        ("unknown field", "<h1>{{loan.id}}</h1>\n<p>\n{{family.surnme}}</p>\n", 3, "unknown field 'family.surnme'"),
        ("field outside its list", "{{#copies}}{{label}}{{/copies}}\n{{label}}\n", 2, "unknown field 'label'"),
        ("unclosed section", "<p>\n{{#loan.canRenew}}\nпродление\n", 4, "never closed"),
        ("wrong closing name", "{{#item.hasCost}}\n{{/item.cost}}\n", 2, "closed with a different name"),
        ("unknown partial", "<p>{{loan.id}}</p>\n{{> header}}\n", 2, "unknown partial 'header'"),
    ])
    func broken(_ name: String, _ text: String, _ line: Int, _ problem: String) throws {
        let directory = try Self.directory(["contract.mustache": text])
        let file = directory.appendingPathComponent("contract.mustache").path
        #expect(throws: TemplateError.self) { try TemplateSet.load(adminDirectory: directory.path) }
        do {
            _ = try TemplateSet.load(adminDirectory: directory.path)
        } catch {
            #expect(error.file == file, "\(name)")
            #expect(error.line == line, "\(name): \(error)")
            #expect(error.problem.contains(problem), "\(name): \(error)")
            #expect(error.description.hasPrefix("\(file):\(line): "))
        }
        // The defaults still load and render.
        #expect(try TemplateSet.load(adminDirectory: nil).render(.contract, Self.sample).contains("Образцова"))
    }

    @Test("fields inside sections are found through the enclosing ones, as Mustache looks them up")
    func scopes() throws {
        let text = "{{#loans}}{{number}} {{family.surname}} {{printedOn}}{{/loans}}{{^hasLoans}}—{{/hasLoans}}{{! {{nonsense}} }}"
        let directory = try Self.directory(["card.mustache": text])
        let card = PaperContext.card(PaperSamples.card, printedOn: PaperSamples.loan.loan.issuedOn)
        #expect(try TemplateSet.load(adminDirectory: directory.path).render(.card, card).hasPrefix("КРВ-0-1 Образцова"))
    }

    @Test("rentald --check-config names the broken template's file and line and exits 78; a good one passes")
    func checkConfig() async throws {
        let broken = try Self.directory(["return.mustache": "<p>{{return.date}}</p>\n{{return.takenby}}\n"])
        let daemon = try DaemonHarness(config: "[documents]\ntemplates = \(broken.path)\n")
        let refused = try await daemon.runToExit(["--check-config", "--config", daemon.configPath, "--state-dir", daemon.stateDirectory])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("\(broken.path)/return.mustache:2: unknown field 'return.takenby'"), "\(refused.stderr)")
        // A daemon does not start on a broken template either (systemd's ExecStartPre runs --check-config).
        let start = try await daemon.runToExit(["--config", daemon.configPath, "--state-dir", daemon.stateDirectory,
                                                "--socket", daemon.socketPath])
        #expect(start.status == 78 && start.stderr.contains("return.mustache:2:"), "\(start.stderr)")
        let good = try Self.directory(["return.mustache": "<p>{{return.date}}</p>\n{{return.takenBy}}\n"])
        try daemon.writeConfig("[documents]\ntemplates = \(good.path)\n")
        let passed = try await daemon.runToExit(["--check-config", "--config", daemon.configPath, "--state-dir", daemon.stateDirectory])
        #expect(passed.status == 0, "\(passed.stderr)")
        #expect(passed.stderr.contains("templates OK (1 from \(good.path)"), "\(passed.stderr)")
    }
}
