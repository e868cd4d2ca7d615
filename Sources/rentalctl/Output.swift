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

    /// Columns padded to the widest cell, measured in display columns (``TextWidth``: a Cyrillic letter is
    /// one, a CJK character two, colour codes none). A table wider than ``Output/width`` wraps the cells of
    /// its widest columns onto more lines, at spaces where it can, until it fits.
    static func table(_ headings: [String], _ rows: [[String]]) {
        for line in TableLayout(headings: headings, rows: rows, width: width).lines(bold: bold) { print(line) }
    }

    /// The width tables fit: `$COLUMNS` when set (40 or more), else the terminal's width, else 80 (a pipe).
    static let width: Int = {
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text), columns >= 40 { return columns }
        var size = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 { return Int(size.ws_col) }
        return 80
    }()

    static func bold(_ text: String) -> String { colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    static func red(_ text: String) -> String { colour ? "\u{1B}[31m\(text)\u{1B}[0m" : text }

    static func date(_ date: LocalDate) -> String { Language.current.date(date) }

    /// A sum in roubles from kopecks: `1 299,50 руб.` in Russian, `RUB 1,299.50` in English.
    static func money(minor: Int) -> String {
        let russian = Language.current == .russian
        var digits = String(minor.magnitude / 100), grouped = ""
        while digits.count > 3 {
            grouped = (russian ? " " : ",") + digits.suffix(3) + grouped
            digits = String(digits.dropLast(3))
        }
        let amount = (minor < 0 ? "-" : "") + digits + grouped + (russian ? "," : ".") + PlainText.padded(Int(minor.magnitude % 100), width: 2)
        return russian ? amount + " руб." : "RUB " + amount
    }

    /// Today on this machine's clock and time zone (`TZ`, else `/etc/localtime`).
    static func today() -> LocalDate {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        let local = Int(now) + Int(parts.tm_gmtoff)
        return LocalDate(serialDay: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }

    /// A run of days: `01.01.2027, пт – 08.01.2027, пт`, or one date when it is one day.
    static func days(_ first: LocalDate, _ last: LocalDate) -> String {
        first == last ? date(first) : date(first) + " – " + date(last)
    }

    /// A due date: the same as ``date(_:)``, which says the day of the week.
    static func dueDate(_ date: LocalDate) -> String { Language.current.date(date) }
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
