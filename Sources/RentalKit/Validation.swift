import Foundation

/// Checks and normal forms for values that come from outside. Errors name the field, never the value.
///
/// Here rather than in RentalModel: it needs the full Foundation (trimming, canonical composition and
/// replacing of strings), which the client side (RentalModel, RentalProtocol, RentalClient, rentalctl)
/// does not link; only the store and the daemon validate.
package enum Validate {
    /// A slug: 1–40 of `a-z`, `0-9`, `-`, not starting with `-`.
    package static func code(_ value: String, field: String) throws(RentalError) -> String {
        let ok = (1...40).contains(value.count) && !value.hasPrefix("-")
            && value.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard ok else { throw .invalid(field, "must be 1–40 characters of a–z, 0–9 and '-'") }
        return value
    }

    /// Trimmed text without control characters, `min`…`max` characters long.
    package static func text(_ value: String, field: String, min: Int = 1, max: Int) throws(RentalError) -> String {
        // Printable ASCII and Cyrillic letters without white space at either end are already trimmed and
        // composed (a CSV import checks 100,000 of them): only the length is left to check.
        if isPlainCyrillicOrASCII(value), let first = value.unicodeScalars.first, first != " ", value.unicodeScalars.last != " " {
            guard (min...max).contains(value.count) else {
                throw .invalid(field, min > 0 ? "must be \(min)–\(max) characters" : "must be at most \(max) characters")
            }
            return value
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            .precomposedStringWithCanonicalMapping
        guard (min...max).contains(trimmed.count) else {
            throw .invalid(field, min > 0 ? "must be \(min)–\(max) characters" : "must be at most \(max) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid(field, "must not contain control characters")
        }
        return trimmed
    }

    /// Optional text: nil or empty becomes nil.
    package static func optionalText(_ value: String?, field: String, max: Int) throws(RentalError) -> String? {
        guard let value else { return nil }
        let checked = try text(value, field: field, min: 0, max: max)
        return checked.isEmpty ? nil : checked
    }

    /// An identifier people type or scan (inventory number, family reference): letters of any script,
    /// digits, `-`, `/`, `.`; upper-cased so that «инв-7» and «ИНВ-7» are the same unit.
    package static func identifier(_ value: String, field: String) throws(RentalError) -> String {
        // Already in normal form (upper-case ASCII, digits, '-', '/', '.'): nothing to trim, compose or raise.
        if (1...40).contains(value.utf8.count), value.utf8.allSatisfy({ byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".")
        }) {
            return value
        }
        // Upper-case Cyrillic (А–Я, Ё, and the other Cyrillic capitals U+0400–U+042F), ASCII capitals, digits,
        // '-', '/', '.': already in normal form too.
        if (1...40).contains(value.unicodeScalars.count), value.unicodeScalars.allSatisfy({ scalar in
            (0x400...0x42F).contains(scalar.value) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "-" || scalar == "/" || scalar == "."
        }) {
            return value
        }
        return try normalIdentifier(value, field: field)
    }

    /// Whether every scalar is printable ASCII, a Cyrillic letter (U+0400–U+04FF, no combining marks),
    /// «, », № or a dash: text that no composition or control check changes.
    package static func isPlainCyrillicOrASCII(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { scalar in
            (0x20...0x7E).contains(scalar.value) || (0x400...0x482).contains(scalar.value) || (0x48A...0x4FF).contains(scalar.value)
                || [0xAB, 0xBB, 0x2116, 0x2013, 0x2014].contains(scalar.value)
        }
    }

    /// ``identifier(_:field:)`` without its shortcut for text already in normal form.
    package static func normalIdentifier(_ value: String, field: String) throws(RentalError) -> String {
        let normal = value.trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping.uppercased()
        let ok = (1...40).contains(normal.count)
            && normal.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-/.".unicodeScalars.contains($0) }
        guard ok else { throw .invalid(field, "must be 1–40 letters, digits, '-', '/' or '.'") }
        return normal
    }

    /// A phone number: digits with optional `+`, spaces, `-`, `(`, `)`; 5–15 digits.
    package static func phone(_ value: String, field: String = "phone") throws(RentalError) -> (display: String, digits: String) {
        let display = value.trimmingCharacters(in: .whitespaces)
        guard display.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || " +-()".unicodeScalars.contains($0) }) else {
            throw .invalid(field, "may contain only digits, spaces, '+', '-', '(' and ')'")
        }
        let digits = phoneDigits(display)
        guard (5...15).contains(digits.count) else { throw .invalid(field, "must have 5–15 digits") }
        return (display, digits)
    }

    /// Digits of a phone number; a Russian trunk prefix 8 becomes the country code 7.
    package static func phoneDigits(_ value: String) -> String {
        let digits = String(value.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
        if digits.count == 11, digits.hasPrefix("8") { return "7" + digits.dropFirst() }
        return digits
    }

    /// An IANA time zone identifier in this system's tz database (``ZoneRules``).
    package static func timeZone(_ value: String, field: String = "timeZone") throws(RentalError) -> ZoneRules {
        guard value.contains("/") || value == "UTC", let zone = ZoneRules.named(value) else {
            throw .invalid(field, "must be an IANA time zone such as Asia/Omsk")
        }
        return zone
    }

    /// A count within a range.
    package static func range(_ value: Int, _ range: ClosedRange<Int>, field: String) throws(RentalError) -> Int {
        guard range.contains(value) else { throw .invalid(field, "must be between \(range.lowerBound) and \(range.upperBound)") }
        return value
    }

    /// Text folded for case-insensitive search in any script: lower case, `ё` → `е`.
    package static func folded(_ value: String) -> String {
        value.precomposedStringWithCanonicalMapping.lowercased().replacingOccurrences(of: "ё", with: "е")
    }

    /// `value` with LIKE's wildcards escaped by `\`.
    package static func likeEscaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
