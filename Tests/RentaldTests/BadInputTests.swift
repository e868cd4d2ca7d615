import Foundation
import Glibc
import Testing

/// Bad arguments are caught by `rentalctl` itself, before anything is sent: exit 64, a message naming the
/// argument with an example of a right value, in the user's language, never repeating the value typed.
@Suite("Bad input at the desk")
struct BadInputTests {
    /// A Unix socket that listens and never answers: a command that sent anything would connect to it.
    final class SilentSocket {
        let path: String
        let descriptor: Int32

        init() throws {
            path = "/tmp/rentalctl-silent-\(UUID().uuidString.prefix(8)).sock"
            descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0, listen(descriptor, 16) == 0 else { throw HarnessError("cannot listen on \(path)") }
            _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
        }

        /// How many connections were made to it so far.
        func connections() -> Int {
            var count = 0
            while case let client = accept(descriptor, nil, nil), client >= 0 {
                close(client)
                count += 1
            }
            return count
        }

        deinit {
            close(descriptor)
            unlink(path)
        }
    }

    /// Runs rentalctl against the silent socket; returns exit status, output and the connections made.
    static func ctl(_ arguments: [String], language: String, centre: String? = "ryabinushka") async throws
        -> (status: Int32, output: String, connections: Int) {
        let socket = try SilentSocket()
        var environment = ["PATH": "/usr/bin:/bin", "LANG": language, "COLUMNS": "100", "NO_COLOR": "1", "RENTALD_SOCKET": socket.path]
        if let centre { environment["RENTAL_CENTRE"] = centre }
        let output = "/tmp/rentalctl-bad-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try Spawn([CLITests.binary] + arguments, environment: environment, outputPath: output)
        // A command that connected would wait for an answer that never comes: 10 s is plenty for one that did not.
        let status = await child.wait(seconds: 10)
        return (status, child.output, socket.connections())
    }

    /// A bad value, what the message must name, its example, the value typed (never repeated).
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let argument: String
        let example: String
        let value: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["loans", "--due-before", "31.02.2026"], argument: "--due-before <date>", example: "24.11.2026", value: "31.02.2026"),
        Case(arguments: ["centres", "close-day", "2026/12/31"], argument: "<date>", example: "2026-11-24", value: "2026/12/31"),
        Case(arguments: ["families", "add", "--reference", "F-1", "--surname", "Белова", "--phone", "+7 913 12З-45-67",
                         "--low-income-until", "31.12.2027"], argument: "--phone <phone>", example: "+7 900 123-45-67", value: "12З-45-67"),
        Case(arguments: ["families", "edit", "F-2026-0001", "--phone", "+7 (999)"], argument: "--phone <phone>", example: "+7 900 123-45-67", value: "(999)"),
        Case(arguments: ["families", "add", "--reference", "F-1", "--surname", "Белова", "--phone", "+7 913 123-45-67",
                         "--low-income-until", "2027-13-01"], argument: "--low-income-until <date>", example: "24.11.2026", value: "2027-13-01"),
        Case(arguments: ["checkout", "--family", "Белова Ольга", "--unit", "КРВ-1-1"], argument: "--family <ref>", example: "F-2026-0001", value: "Белова"),
        Case(arguments: ["checkout", "--family", "F-2026-0001", "--unit", "КРВ 1 1"], argument: "--unit <inv>", example: "КРВ-1-2", value: "КРВ 1 1"),
        Case(arguments: ["return", "КРВ#1"], argument: "<inv>", example: "КРВ-1-2", value: "КРВ#1"),
        Case(arguments: ["stock", "--centre", "Рябинушка"], argument: "--centre <code>", example: "ryabinushka", value: "Рябинушка"),
        Case(arguments: ["available", "Кроватка"], argument: "<type>", example: "cot", value: "Кроватка"),
        Case(arguments: ["renew", "первая"], argument: "<loan>", example: "1042", value: "первая"),
        Case(arguments: ["loans", "--limit", "5000"], argument: "--limit <limit>", example: "100", value: "5000"),
        Case(arguments: ["print", "contract", "12", "--copies", "3"], argument: "--copies <copies>", example: "--copies 2", value: "3"),
    ]

    @Test("a bad value exits 64 naming the argument with an example, in English", arguments: cases)
    func english(_ bad: Case) async throws {
        let run = try await Self.ctl(bad.arguments, language: "C.UTF-8")
        #expect(run.status == 64, "\(run.output)")
        let first = run.output.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("Error: ") && first.contains(bad.argument) && first.contains(bad.example), "\(run.output)")
        #expect(!run.output.contains(bad.value), "the value typed is not repeated: \(run.output)")
        #expect(!first.contains { ("А"..."я").contains($0) } || bad.example.contains { ("А"..."я").contains($0) }, "\(first)")
        #expect(run.connections == 0, "nothing was sent")
    }

    @Test("a bad value exits 64 naming the argument with an example, in Russian", arguments: cases)
    func russian(_ bad: Case) async throws {
        let run = try await Self.ctl(bad.arguments, language: "ru_RU.UTF-8")
        #expect(run.status == 64, "\(run.output)")
        let first = run.output.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("Ошибка: ") && first.contains(bad.argument) && first.contains(bad.example), "\(run.output)")
        #expect(LanguageTests.english(first.replacingOccurrences(of: "rentalctl [a-z ]+", with: "", options: .regularExpression)) == nil,
                "no English in «\(first)»")
        #expect(!run.output.contains(bad.value), "the value typed is not repeated: \(run.output)")
        #expect(run.output.contains("Подробнее: rentalctl"), "\(run.output)")
        #expect(run.connections == 0, "nothing was sent")
    }

    @Test("a missing argument, an unknown option and a bad $RENTAL_CENTRE are said in the user's language")
    func parserMessages() async throws {
        let missing = try await Self.ctl(["checkout", "--family", "F-2026-0001"], language: "ru_RU.UTF-8")
        #expect(missing.status == 64)
        #expect(missing.output.hasPrefix("Ошибка: не хватает аргумента '--unit <inv>'"), "\(missing.output)")
        #expect(missing.output.contains("Справка: --unit <inv>  Инвентарный номер вещи."), "\(missing.output)")
        #expect(missing.output.contains("Запуск: rentalctl checkout"), "the usage line stays: \(missing.output)")
        let missingEnglish = try await Self.ctl(["checkout", "--family", "F-2026-0001"], language: "C.UTF-8")
        #expect(missingEnglish.output.hasPrefix("Error: Missing expected argument '--unit <inv>'"), "\(missingEnglish.output)")

        let unknown = try await Self.ctl(["stock", "--centr", "ryabinushka"], language: "ru_RU.UTF-8")
        #expect(unknown.status == 64)
        #expect(unknown.output.hasPrefix("Ошибка: неизвестный параметр '--centr'. Может быть, '--centre'?"), "\(unknown.output)")
        let value = try await Self.ctl(["return", "КРВ-1-1", "--condition", "broken"], language: "ru_RU.UTF-8")
        #expect(value.status == 64)
        #expect(value.output.hasPrefix("Ошибка: --condition <condition>: допустимые значения: 'new', 'good', 'fair' или 'damaged'"), "\(value.output)")

        let centre = try await Self.ctl(["checkout", "--family", "F-2026-0001", "--unit", "КРВ-1-1"], language: "ru_RU.UTF-8", centre: "Рябинушка")
        #expect(centre.status == 64)
        #expect(centre.output.hasPrefix("Ошибка: RENTAL_CENTRE: это не код центра") && centre.output.contains("ryabinushka"), "\(centre.output)")
        for run in [missing, missingEnglish, unknown, value, centre] { #expect(run.connections == 0, "nothing was sent") }
    }

    @Test("a command's own refusal of its arguments shows that command's usage, not rentalctl's")
    func commandUsage() async throws {
        let noCentre = try await Self.ctl(["checkout", "--family", "F-2026-0001", "--unit", "КРВ-1-1"], language: "ru_RU.UTF-8", centre: nil)
        #expect(noCentre.status == 64)
        #expect(noCentre.output.hasPrefix("Ошибка: Укажите центр: --centre или RENTAL_CENTRE."), "\(noCentre.output)")
        #expect(noCentre.output.contains("Запуск: rentalctl checkout [") && noCentre.output.contains("Подробнее: rentalctl checkout --help"),
                "\(noCentre.output)")
        let neither = try await Self.ctl(["reservations", "list"], language: "C.UTF-8")
        #expect(neither.status == 64)
        #expect(neither.output.hasPrefix("Error: Name a family with --family, or a type with --type."), "\(neither.output)")
        #expect(neither.output.contains("Usage: rentalctl reservations list [") && neither.output.contains("See 'rentalctl reservations list --help'"),
                "\(neither.output)")
        let formats = try await Self.ctl(["report", "summary", "--from", "01.01.2026", "--to", "07.12.2026", "--json", "--csv"], language: "C.UTF-8")
        #expect(formats.status == 64)
        #expect(formats.output.contains("Usage: rentalctl report ") && formats.output.contains("See 'rentalctl report --help'"), "\(formats.output)")
        for run in [noCentre, neither, formats] {
            #expect(!run.output.contains("<subcommand>"), "not the root's usage: \(run.output)")
            #expect(run.connections == 0, "nothing was sent")
        }
    }

    @Test("right values in both forms get through: dd.mm.yyyy and ISO dates, a scanned label's URL")
    func rightValuesPass() async throws {
        let daemon = try DaemonHarness()
        try await daemon.start()
        let cli = CLITests()
        let russian = try await cli.ctl(daemon, ["loans", "--due-before", "1.1.2100", "--limit", "1"], language: "ru_RU.UTF-8")
        #expect(russian.status == 0, "\(russian.output)")
        let iso = try await cli.ctl(daemon, ["loans", "--due-before", "2100-01-01", "--limit", "1"])
        #expect(iso.status == 0, "\(iso.output)")
        let scanned = try await cli.ctl(daemon, ["units", "show", "https://prokat.example/u/%D0%9A%D0%A0%D0%92-1-1"])
        #expect(scanned.status == 0 && scanned.output.contains("КРВ-1-1"), "\(scanned.output)")
        try await daemon.stop()
    }
}
