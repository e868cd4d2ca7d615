import Foundation
import RentalModel

/// The language of a report's headings, labels and numbers.
public enum ReportLanguage: String, Sendable, CaseIterable {
    /// English: decimal point, dates `YYYY-MM-DD`.
    case en
    /// Russian: decimal comma, dates `dd.mm.yyyy`.
    case ru

    /// The language for a `lang` parameter or a locale name (`ru`, `ru_RU.UTF-8`, `en-GB`); English for
    /// anything else.
    public init(tag: String?) {
        self = tag.map { $0.lowercased().hasPrefix("ru") } == true ? .ru : .en
    }

    /// English or Russian text.
    func text(_ english: String, _ russian: String) -> String {
        self == .ru ? russian : english
    }

    /// A whole number, with a thin space between thousands in Russian ("5 500") and a comma in English.
    func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(self == .ru ? "\u{202F}" : ",") }
            grouped.append(character)
        }
        return (value < 0 ? "−" : "") + grouped
    }

    /// A decimal with `digits` places, with the language's decimal separator.
    func decimal(_ value: Double, digits: Int = 1) -> String {
        let scale = pow(10, Double(digits))
        let rounded = (value * scale).rounded() / scale
        let whole = Int(rounded.rounded(.towardZero))
        let fraction = Int((abs(rounded - Double(whole)) * scale).rounded())
        let sign = rounded < 0 && whole == 0 ? "−" : ""
        guard digits > 0 else { return sign + number(whole) }
        let padded = String(repeating: "0", count: max(0, digits - String(fraction).count)) + String(fraction)
        return sign + number(whole) + (self == .ru ? "," : ".") + padded
    }

    /// A share 0…1 as a percentage ("45,2 %" / "45.2%"), or a dash.
    func percent(_ share: Double?) -> String {
        guard let share else { return "—" }
        return decimal(share * 100) + (self == .ru ? "\u{202F}%" : "%")
    }

    /// A date as `dd.mm.yyyy` in Russian, `YYYY-MM-DD` in English.
    func date(_ date: LocalDate) -> String {
        self == .ru ? String(format: "%02d.%02d.%04d", date.day, date.month, date.year) : date.description
    }

    /// A `YYYY-MM` month as "окт 2026" / "Oct 2026".
    func month(_ month: String) -> String {
        let parts = month.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), let index = Int(parts[1]), (1...12).contains(index) else { return month }
        let english = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let russian = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]
        return "\((self == .ru ? russian : english)[index - 1]) \(year)"
    }

    /// Kopecks as roubles with two decimals ("1 500,00 ₽").
    func money(_ minor: Int) -> String {
        decimal(Double(minor) / 100, digits: 2) + (self == .ru ? "\u{00A0}₽" : " RUB")
    }

    /// The name of a unit status.
    func status(_ status: UnitStatus) -> String {
        text(status.words.english, status.words.russian)
    }

    /// The name of a condition.
    func condition(_ condition: Condition) -> String {
        text(condition.words.english, condition.words.russian)
    }

    /// The name of a category.
    func category(_ category: Category) -> String {
        text(category.words.english, category.words.russian)
    }

    /// Russian plural: 1 день, 3 дня, 5 дней.
    static func plural(_ count: Int, _ one: String, _ few: String, _ many: String) -> String {
        let n = count.magnitude % 100
        if (11...14).contains(n) { return many }
        switch n % 10 {
        case 1: return one
        case 2...4: return few
        default: return many
        }
    }
}
