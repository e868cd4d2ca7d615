import Foundation

/// One data row of a register, read by column key, collecting every problem in it (never a value).
struct CSVRow {
    let line: Int
    let fields: [String]
    let positions: [String: Int]
    let headers: [String: String]
    var problems: [ImportProblem] = []

    /// The trimmed text of a column ("" when the file has no such column), without the apostrophe an export
    /// puts before text a spreadsheet would take for a formula (``SpreadsheetCell``).
    func text(_ key: String) -> String {
        guard let position = positions[key], position < fields.count else { return "" }
        return SpreadsheetCell.restored(Self.trimmed(fields[position]))
    }

    /// Without white space at either end (most cells have none: then the string itself, without Foundation).
    static func trimmed(_ value: String) -> String {
        let scalars = value.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return value }
        if !first.properties.isWhitespace && !last.properties.isWhitespace { return value }
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A code as stored (lower case): ASCII letters lowered by hand, anything else folded by ``Validate``.
    static func code(_ value: String) -> String {
        guard value.utf8.allSatisfy({ $0 < 0x80 }) else { return Validate.folded(value) }
        return String(decoding: value.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// The header the file uses for `key`.
    func header(_ key: String) -> String { headers[key] ?? key }

    mutating func fail(_ key: String, _ english: String, _ russian: String) {
        problems.append(ImportProblem(line: line, column: key.isEmpty ? "" : header(key), message: english, messageRu: russian))
    }

    mutating func required(_ key: String) -> String? {
        let value = text(key)
        if value.isEmpty { fail(key, "is empty", "не заполнено") }
        return value.isEmpty ? nil : value
    }

    mutating func optionalDate(_ key: String) -> LocalDate?? {
        let value = text(key)
        if value.isEmpty { return .some(nil) }
        guard let date = CSVValues.date(value) else {
            fail(key, "is not a date dd.mm.yyyy", "не дата в виде дд.мм.гггг")
            return nil
        }
        return .some(date)
    }

    mutating func date(_ key: String) -> LocalDate? {
        guard required(key) != nil, let date = optionalDate(key) else { return nil }
        return date
    }

    /// Runs one of the store's checks; a refusal becomes a problem in the column its field belongs to.
    mutating func check<T>(_ columnOf: [String: String], _ body: () throws(RentalError) -> T) -> T? {
        do {
            return try body()
        } catch {
            let (field, reason) = Self.split(error.message)
            let key = columnOf.first { field.hasPrefix($0.key) }?.value ?? ""
            fail(key, reason, Self.russian(reason))
            return nil
        }
    }

    private static func split(_ message: String) -> (String, String) {
        guard let colon = message.range(of: ": ") else { return ("", message) }
        return (String(message[..<colon.lowerBound]), String(message[colon.upperBound...]))
    }

    /// The store's English reasons in Russian.
    static func russian(_ reason: String) -> String {
        let fixed: [String: String] = [
            "must be 1–40 characters of a–z, 0–9 and '-'": "должно состоять из 1–40 символов a–z, 0–9 и «-»",
            "must not contain control characters": "не должно содержать управляющих символов",
            "must be 1–40 letters, digits, '-', '/' or '.'": "должно состоять из 1–40 букв, цифр, «-», «/» или «.»",
            "may contain only digits, spaces, '+', '-', '(' and ')'": "может содержать только цифры, пробелы, «+», «-», «(» и «)»",
            "must have 5–15 digits": "должен содержать от 5 до 15 цифр",
            "must be an IANA time zone such as Asia/Omsk": "должен быть часовым поясом IANA, например Asia/Omsk",
            "is in the future: mark the child as expected": "дата в будущем: отметьте ребёнка как ожидаемого",
            "an expected birth date is at most 10 months ahead": "ожидаемая дата рождения — не позже чем через 10 месяцев",
            "must not be in the future": "не может быть в будущем",
            "at most 30 children": "не больше 30 детей",
            "LABELS is a reserved word, not an inventory number": "LABELS — служебное слово, не инвентарный номер",
        ]
        if let russian = fixed[reason] { return russian }
        let numbers = reason.split(whereSeparator: { !$0.isNumber }).map(String.init)
        if reason.hasPrefix("must be at most"), numbers.count == 1 { return "не длиннее \(numbers[0]) символов" }
        if reason.hasSuffix("characters"), numbers.count == 2 { return "должно быть от \(numbers[0]) до \(numbers[1]) символов" }
        if reason.hasPrefix("must be between"), numbers.count == 2 { return "должно быть от \(numbers[0]) до \(numbers[1])" }
        return "отклонено: \(reason)"
    }
}

extension ImportProblem {
    static func file(_ english: String, _ russian: String, line: Int = 0, column: String = "") -> ImportProblem {
        ImportProblem(line: line, column: column, message: english, messageRu: russian)
    }
}
