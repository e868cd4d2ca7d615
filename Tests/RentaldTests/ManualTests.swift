import Foundation
import Testing

/// The manual pages install.sh installs (swift-argument-parser's generate-manual on the built binaries)
/// render without warnings and say everything the help says; the shell completions parse and complete.
@Suite("Manual pages and completions")
struct ManualTests {
    static let binaries = URL(fileURLWithPath: DaemonHarness.binary).deletingLastPathComponent()
    static let environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "MANWIDTH": "80"]

    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts")

    /// Generates rentald(8), rentalctl(1) with one page per subcommand and its Russian pages, as install.sh
    /// does (scripts/manuals.sh).
    static func pages() async throws -> URL {
        let tool = binaries.appendingPathComponent("generate-manual").path
        try #require(FileManager.default.isExecutableFile(atPath: tool),
                     "no \(tool): build it with `swift build --product generate-manual` (scripts/test.sh does)")
        let directory = URL(fileURLWithPath: "/tmp/rental-manual-\(UUID().uuidString.prefix(8))")
        try await Spawn.run([scripts.appendingPathComponent("manuals.sh").path, tool, binaries.appendingPathComponent("rentald").path,
                             binaries.appendingPathComponent("rentalctl").path, directory.path], environment: environment)
        return directory
    }

    /// A page's source with roff's `\[u0416]` escapes turned back into the characters.
    static func decoded(_ source: String) -> String {
        source.replacing(/\\\[u([0-9A-F]{4,6})\]/) { match in
            UInt32(match.output.1, radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? ""
        }
    }

    @Test("rentald(8) and every rentalctl page render with man and groff without a warning")
    func render() async throws {
        let directory = try await Self.pages()
        defer { try? FileManager.default.removeItem(at: directory) }
        let section1 = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("man1").path).sorted()
        let russian = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("ru/man1").path).sorted()
        let commands = try await LanguageTests.commands()
        // One page per command path (`rentalctl centres close-day` is rentalctl.centres.close-day.1), plus `help`.
        for command in commands {
            let page = (["rentalctl"] + command).joined(separator: ".") + ".1"
            #expect(section1.contains(page), "no page \(page)")
            #expect(russian.contains(page), "no Russian page \(page)")
        }
        let pages = section1.map { directory.appendingPathComponent("man1").appendingPathComponent($0).path }
            + russian.map { directory.appendingPathComponent("ru/man1").appendingPathComponent($0).path }
            + [directory.appendingPathComponent("man8/rentald.8").path]
        for page in pages {
            let warnings = try await Spawn.run(["groff", "-mandoc", "-Tutf8", "-ww", "-z", page], environment: Self.environment)
            #expect(warnings.isEmpty, "groff warns on \(page): \(warnings)")
            let text = try await Spawn.run(["man", "--warnings", "-l", page], environment: Self.environment)
            #expect(text.contains("NAME") && text.contains("SYNOPSIS"), "man -l \(page): \(text.prefix(300))")
            #expect(!text.contains("warning"), "man -l \(page): \(text)")
        }
        let rentald = try await Spawn.run(["man", "-l", directory.appendingPathComponent("man8/rentald.8").path], environment: Self.environment)
        #expect(rentald.contains("RENTALD(8)") && rentald.contains("--check-config"), "\(rentald.prefix(400))")
        #expect(rentald.contains(/78 +the configuration is wrong/) && rentald.contains(/74 +the store cannot be opened/)
                && !rentald.contains("utility exits"), "\(rentald.suffix(900))")
        // The Russian page in any UTF-8 locale: the escapes do not depend on the reader's encoding.
        let checkout = try await Spawn.run(["man", "-l", directory.appendingPathComponent("ru/man1/rentalctl.checkout.1").path], environment: Self.environment)
        #expect(checkout.contains("rentalctl checkout — Выдать вещь семье.") && checkout.contains("Инвентарный номер вещи."), "\(checkout.prefix(600))")
        #expect(checkout.contains("Показать эту справку.") && !checkout.contains("Show help information."), "\(checkout.suffix(900))")
        let loans = try await Spawn.run(["man", "-l", directory.appendingPathComponent("ru/man1/rentalctl.loans.1").path], environment: Self.environment)
        #expect(loans.contains("(1–1000, по умолчанию 100)"), "\(loans)")
        // Exit statuses listed, a line each, in the page's language; not mdoc's English "utility exits 0".
        #expect(checkout.contains("КОДЫ ВЫХОДА") && checkout.contains(/77 +нет прав/) && checkout.contains(/69 +служба не запущена/),
                "\(checkout.suffix(900))")
        let english = try await Spawn.run(["man", "-l", directory.appendingPathComponent("man1/rentalctl.checkout.1").path], environment: Self.environment)
        #expect(english.contains("EXIT STATUS") && english.contains(/77 +not allowed/) && english.contains(/65 +refused by a rule/), "\(english.suffix(900))")
        for text in [checkout, english] { #expect(!text.contains("utility exits"), "\(text.suffix(400))") }
    }

    /// generate-manual drops every character that is not ASCII: scripts/manuals.sh carries them through, or
    /// the page would say `(11000)` where the help says `(1–1000)`, and nothing at all in Russian.
    @Test("every option's help is in its page word for word, in English and in Russian",
          arguments: [["loans"], ["audit", "list"], ["catalogue", "add"], ["centres", "add"], ["families", "add"], ["checkout"]], ["C.UTF-8", "ru_RU.UTF-8"])
    func helpInPage(_ command: [String], language: String) async throws {
        let directory = try await Self.pages()
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = language == "C.UTF-8" ? "man1" : "ru/man1"
        let page = Self.decoded(try String(contentsOf: directory.appendingPathComponent(folder)
            .appendingPathComponent((["rentalctl"] + command).joined(separator: ".") + ".1"), encoding: .utf8))
        var environment = Self.environment
        environment["LANG"] = language
        let dump = try await Spawn.run([Self.binaries.appendingPathComponent("rentalctl").path] + command + ["--experimental-dump-help"],
                                       environment: environment)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.utf8)) as? [String: Any])
        let arguments = try #require((json["command"] as? [String: Any])?["arguments"] as? [[String: Any]])
        let abstracts = arguments.compactMap { $0["abstract"] as? String }.filter { !$0.isEmpty }
        #expect(abstracts.count >= 4)
        for abstract in abstracts {
            #expect(page.contains(abstract), "rentalctl \(command.joined(separator: " ")): «\(abstract)» is not in its page as written")
        }
    }

    @Test("bash, zsh and fish completions are produced, parse, and complete subcommands")
    func completions() async throws {
        let rentalctl = Self.binaries.appendingPathComponent("rentalctl").path
        let directory = URL(fileURLWithPath: "/tmp/rental-completions-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for shell in ["bash", "zsh", "fish"] {
            let script = try await Spawn.run([rentalctl, "--generate-completion-script", shell], environment: Self.environment)
            #expect(script.contains("close-day") && script.contains("checkout"), "\(shell): \(script.prefix(200))")
            let file = directory.appendingPathComponent("rentalctl.\(shell)")
            try script.write(to: file, atomically: true, encoding: .utf8)
            let parsed = try await Spawn.run([shell, "-n", file.path], environment: Self.environment)
            #expect(parsed.isEmpty, "\(shell) -n: \(parsed)")
        }
        var environment = Self.environment
        environment["PATH"] = Self.binaries.path + ":/usr/bin:/bin"
        let bash = try await Spawn.run(["bash", "-c", """
            source \(directory.appendingPathComponent("rentalctl.bash").path)
            COMP_WORDS=(rentalctl centres cl); COMP_CWORD=2; COMP_LINE="rentalctl centres cl"; COMP_POINT=${#COMP_LINE}
            _rentalctl rentalctl cl centres; echo "${COMPREPLY[@]}"
            """], environment: environment)
        #expect(bash.contains("close-day"), "bash completes `rentalctl centres cl`: \(bash)")
        let fish = try await Spawn.run(["fish", "-c", "source \(directory.appendingPathComponent("rentalctl.fish").path); complete -C 'rentalctl centres cl'"],
                                       environment: environment)
        #expect(fish.contains("close-day"), "fish completes `rentalctl centres cl`: \(fish)")
    }
}
