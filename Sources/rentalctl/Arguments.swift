import ArgumentParser
import RentalProtocol

/// A command-line value that is not of its kind: says what the kind is and gives an example of a right
/// value, in the user's language, never repeating the value (it may be a phone number). ArgumentParser
/// puts it after the argument's name, and ``UsageMessage`` leaves the value out.
struct BadValue: Error, CustomStringConvertible {
    /// What is wrong and an example, already in the user's language.
    let description: String
}

/// Checks of the values typed on the command line, made while the arguments are parsed, before anything
/// is sent to the daemon (`@Option(transform: Check.date)`). Each returns the value in the form the API
/// takes or throws ``BadValue`` with an example.
enum Check {
    /// Dates are `24.11.2026` or `2026-11-24`, of a year people write (1900–2199).
    static func date(_ text: String) throws -> LocalDate {
        guard let date = parseDate(trimmed(text)), (1900...2199).contains(date.year) else {
            throw BadValue(description: tr("not a date; write it as 24.11.2026 or 2026-11-24",
                                           "это не дата; пишите так: 24.11.2026 или 2026-11-24"))
        }
        return date
    }

    /// `YYYY-MM-DD` or `DD.MM.YYYY` (one-digit day and month allowed), a real day; else nil.
    static func parseDate(_ text: String) -> LocalDate? {
        if let date = LocalDate(text) { return date }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4,
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]) else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    /// A phone number: digits with `+`, spaces, `-`, `(`, `)`, 5–15 digits (the daemon's own rule).
    static func phone(_ text: String) throws -> String {
        let value = trimmed(text)
        let digits = value.filter(\.isASCIIDigit).count
        guard value.allSatisfy({ $0.isASCIIDigit || " +-()".contains($0) }), (5...15).contains(digits) else {
            throw BadValue(description: tr("not a phone number: 5–15 digits with +, spaces, - or brackets, e.g. +7 900 123-45-67",
                                           "это не номер телефона: 5–15 цифр, можно +, пробелы, - и скобки, например +7 900 123-45-67"))
        }
        return value
    }

    /// An inventory number as typed or scanned (a label's URL gives the number in it).
    static func inventoryNumber(_ text: String) throws -> String {
        let number = ScannedCode.inventoryNumber(text)
        guard isIdentifier(number) else {
            throw BadValue(description: tr("not an inventory number: up to 40 letters, digits, '-', '/' or '.', e.g. КРВ-1-2",
                                           "это не инвентарный номер: до 40 букв, цифр, «-», «/» или «.», например КРВ-1-2"))
        }
        return number
    }

    /// A family's reference number.
    static func reference(_ text: String) throws -> String {
        let reference = trimmed(text)
        guard isIdentifier(reference) else {
            throw BadValue(description: tr("not a family reference: up to 40 letters, digits, '-', '/' or '.', e.g. F-2026-0001",
                                           "это не номер семьи: до 40 букв, цифр, «-», «/» или «.», например F-2026-0001"))
        }
        return reference
    }

    /// What to look a family up by: a reference, a phone number or part of a surname.
    static func familyQuery(_ text: String) throws -> String {
        let query = trimmed(text)
        guard (1...100).contains(query.count), !query.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw BadValue(description: tr("give a reference, a phone number or part of a surname, e.g. F-2026-0001, +7 900 000-00-11 or Белов",
                                           "укажите номер семьи, телефон или часть фамилии, например F-2026-0001, +7 900 000-00-11 или Белов"))
        }
        return query
    }

    /// A centre's code: 1–40 of `a-z`, `0-9`, `-`.
    static func centreCode(_ text: String) throws -> String {
        guard isCode(text) else {
            throw BadValue(description: tr("not a centre code: up to 40 of a–z, 0–9 and '-', e.g. ryabinushka (see rentalctl centres list)",
                                           "это не код центра: до 40 знаков a–z, 0–9 и «-», например ryabinushka (см. rentalctl centres list)"))
        }
        return text
    }

    /// An item type's code: 1–40 of `a-z`, `0-9`, `-`.
    static func itemTypeCode(_ text: String) throws -> String {
        guard isCode(text) else {
            throw BadValue(description: tr("not an item type code: up to 40 of a–z, 0–9 and '-', e.g. cot (see rentalctl catalogue list)",
                                           "это не код вида вещей: до 40 знаков a–z, 0–9 и «-», например cot (см. rentalctl catalogue list)"))
        }
        return text
    }

    /// A loan's (or another record's) number: a positive whole number.
    static func number(_ text: String) throws -> Int64 {
        guard let number = Int64(trimmed(text)), number > 0 else {
            throw BadValue(description: tr("not a number; write the number alone, e.g. 1042", "это не номер; пишите только число, например 1042"))
        }
        return number
    }

    /// `--limit`: 1 to 1000.
    static func limit(_ text: String) throws -> Int {
        guard let value = Int(trimmed(text)), (1...1000).contains(value) else {
            throw BadValue(description: tr("not a number from 1 to 1000, e.g. 100", "это не число от 1 до 1000, например 100"))
        }
        return value
    }

    /// A count or a number of days or months: a whole number, 0 or more.
    static func count(_ text: String) throws -> Int {
        guard let value = Int(trimmed(text)), value >= 0 else {
            throw BadValue(description: tr("not a whole number, e.g. 14", "это не целое число, например 14"))
        }
        return value
    }

    /// A position in a sequence (`--since`): a whole number, 0 or more.
    static func position(_ text: String) throws -> Int64 {
        guard let value = Int64(trimmed(text)), value >= 0 else {
            throw BadValue(description: tr("not a whole number, e.g. 0 or 1042", "это не целое число, например 0 или 1042"))
        }
        return value
    }

    /// `--copies`: 1 or 2.
    static func copies(_ text: String) throws -> Int {
        guard let value = Int(trimmed(text)), (1...2).contains(value) else {
            throw BadValue(description: tr("must be 1 or 2, e.g. --copies 2", "допустимо 1 или 2, например --copies 2"))
        }
        return value
    }

    /// 1–40 letters of any script, digits, `-`, `/`, `.` (the daemon's identifiers, before upper-casing).
    static func isIdentifier(_ text: String) -> Bool {
        (1...40).contains(text.count) && text.allSatisfy { $0.isLetter || $0.isASCIIDigit || "-/.".contains($0) }
    }

    /// 1–40 of `a-z`, `0-9`, `-`, not starting with `-` (the daemon's codes).
    static func isCode(_ text: String) -> Bool {
        (1...40).contains(text.count) && !text.hasPrefix("-")
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Without the spaces and line ends around it.
    static func trimmed(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }), let last = text.lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(text[first...last])
    }
}

extension Character {
    /// `0`–`9`.
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}

extension CentreOption {
    /// `$RENTAL_CENTRE`, checked as `--centre` is.
    static func fromEnvironment(_ value: String) throws -> String {
        guard Check.isCode(value) else {
            throw ValidationError(tr("RENTAL_CENTRE: not a centre code: up to 40 of a–z, 0–9 and '-', e.g. ryabinushka",
                                     "RENTAL_CENTRE: это не код центра: до 40 знаков a–z, 0–9 и «-», например ryabinushka"))
        }
        return value
    }
}
