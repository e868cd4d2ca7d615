import Foundation
import Testing

/// No mixed-language screens: every command's `--help` under a Russian locale says its own words in Russian,
/// and under any other locale in English. ArgumentParser's own words (`USAGE:`, `OPTIONS:`, "Show help
/// information.", "(default: …)", "(values: …)") cannot be translated and are left out of the check.
@Suite("Russian at the desk")
struct LanguageTests {
    /// Every command path, found by walking `rentalctl --help`'s SUBCOMMANDS sections.
    static func commands() async throws -> [[String]] {
        var found: [[String]] = [[]]
        var queue: [[String]] = [[]]
        while let path = queue.popLast() {
            let help = try await run(path + ["--help"], language: "C.UTF-8")
            guard let section = help.components(separatedBy: "SUBCOMMANDS:\n").dropFirst().first else { continue }
            for line in section.split(separator: "\n") {
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first,
                      name != "help", !line.contains("See '") else { continue }
                let child = path + [String(name)]
                found.append(child)
                queue.append(child)
            }
        }
        return found
    }

    static func run(_ arguments: [String], language: String) async throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("lang-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let child = try Spawn([CLITests.binary] + arguments, environment: ["PATH": "/usr/bin:/bin", "LANG": language, "COLUMNS": "200"],
                              outputPath: output)
        #expect(await child.wait() == 0, "rentalctl \(arguments.joined(separator: " ")): \(child.output)")
        return child.output
    }

    /// The words of a help text that are the command's own (overview, discussion, descriptions), without
    /// ArgumentParser's fixed words, option names, placeholders, `code`, "quoted" and «quoted» names,
    /// $VARIABLES and (default: …).
    static func ownWords(_ help: String) -> [String] {
        let builtIn = ["Show help information.", "Show the version.", "See 'rentalctl help", "Подробнее о команде: rentalctl help"]
        return help.split(separator: "\n").compactMap { rawLine -> String? in
            var line = String(rawLine)
            if line.hasPrefix("USAGE:") || line.hasPrefix("ЗАПУСК:") || line.hasSuffix("OPTIONS:") || line.hasSuffix("ARGUMENTS:")
                || line.hasSuffix("SUBCOMMANDS:") { return nil }
            if builtIn.contains(where: line.contains) { return nil }
            line = line.replacingOccurrences(of: "OVERVIEW: ", with: "")
            for pattern in [#""[^"]*""#, #"«[^»]*»"#, #"\(default: [^)]*\)"#, #"\(values: [^)]*\)"#, #"`[^`]*`"#, #"\$[A-Z_]+"#, #"--?[a-zA-Z][a-zA-Z-]*"#,
                            #"<[^>]*>"#, #"\[[^\]]*\]"#] {
                line = line.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
            }
            // The option column: a command or option name at the start of a line, before the description.
            line = line.replacingOccurrences(of: #"^  [a-z][a-z-]*  +"#, with: " ", options: .regularExpression)
            return line
        }
    }

    /// Two English words in a row: an English sentence (codes, file names and single terms are one word).
    static func english(_ text: String) -> String? {
        text.firstMatch(of: /[A-Za-z]{2,}[ ]+[A-Za-z]{2,}/).map { String($0.output) }
    }

    @Test("every command's help is Russian under ru_RU.UTF-8 and English under C.UTF-8")
    func helpInBothLanguages() async throws {
        let commands = try await Self.commands()
        #expect(commands.count >= 60, "the command tree was walked: \(commands.count)")
        for command in commands {
            let russian = try await Self.run(command + ["--help"], language: "ru_RU.UTF-8")
            for line in Self.ownWords(russian) {
                #expect(Self.english(line) == nil, "rentalctl \(command.joined(separator: " ")) --help (ru): English in «\(line)»")
            }
            #expect(russian.contains { ("А"..."я").contains($0) }, "rentalctl \(command.joined(separator: " ")) --help (ru) has no Russian")
            // ArgumentParser's own words too: headings, --help and --version, defaults, value lists.
            for builtIn in ["OVERVIEW:", "USAGE:", "OPTIONS:", "ARGUMENTS:", "SUBCOMMANDS:", "Show help information.", "Show the version.",
                            "(default:", "(values:", "See 'rentalctl help"] {
                #expect(!russian.contains(builtIn), "rentalctl \(command.joined(separator: " ")) --help (ru) says «\(builtIn)»")
            }
            let english = try await Self.run(command + ["--help"], language: "C.UTF-8")
            // Examples of Russian names stand in «quotes»; nothing else is Cyrillic in English help.
            let unquoted = english.replacingOccurrences(of: "«[^»]*»", with: "", options: .regularExpression)
            #expect(!unquoted.contains { ("А"..."я").contains($0) }, "rentalctl \(command.joined(separator: " ")) --help (en) has Russian")
        }
    }
}
