#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RentalProtocol

/// Prints values for people (aligned tables, dates in the reader's style) or for scripts (`--json`).
enum Output {
    /// Colour only on a terminal and never with `NO_COLOR`.
    static let colour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func json<T: Encodable>(_ value: T) {
        let encoder = RentalJSON.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
    }

    /// Columns padded to the widest cell, measured in characters (Cyrillic letters are one column each).
    static func table(_ headings: [String], _ rows: [[String]]) {
        let widths = headings.indices.map { column in
            ([headings[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }
        print(bold(line(headings)))
        for row in rows { print(line(row)) }
    }

    static func bold(_ text: String) -> String { colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    static func red(_ text: String) -> String { colour ? "\u{1B}[31m\(text)\u{1B}[0m" : text }

    static func date(_ date: LocalDate) -> String { Language.current.date(date) }

    /// Today on this machine's clock and time zone (`TZ`, else `/etc/localtime`).
    static func today() -> LocalDate {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        let local = Int(now) + Int(parts.tm_gmtoff)
        return LocalDate(serialDay: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }

    /// `2026-12-23 (Wednesday)` / `23.12.2026 (среда)`.
    static func dueDate(_ date: LocalDate) -> String {
        "\(Language.current.date(date)) (\(Language.current.weekday(date.weekday)))"
    }
}

/// The standard error stream, written straight to the descriptor (unbuffered), as `FileHandle.standardError` did.
enum Console {
    /// Writes `text` whole to standard error; a failed write is dropped.
    static func writeError(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }
}
